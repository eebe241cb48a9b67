package io.pier.node.runtime;

/**
 * A process running inside a container without a terminal: its stdout and stderr arrive apart, its stdin is empty.
 * What programs run through the repl API's exec.
 */
public interface PipedProcess {

  /** Which of its output streams a chunk came from. */
  enum Stream {
    STDOUT,
    STDERR
  }

  /** Stops relaying; the process itself is ended by its caller (or when its container stops). */
  void close();

  /** Receives what a {@link PipedProcess} prints and when it ends. Called from a runtime thread. */
  interface Listener {
    /**
     * One chunk of output. May block, to slow the process down: the runtime reads no more of its output meanwhile (and
     * the process blocks once its pipe is full). Returns promptly once the process is closed.
     */
    void output(Stream stream, byte[] data);

    /** The process ended with {@code code}; -1 when the runtime cannot tell (its sandbox is gone). */
    void exited(int code);
  }
}
