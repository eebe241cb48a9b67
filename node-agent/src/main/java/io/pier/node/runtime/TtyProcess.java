package io.pier.node.runtime;

/** A process running on a pseudo-terminal inside a container: a shell or the repl's run command. */
public interface TtyProcess {

  /**
   * Sends bytes to the process's terminal. Never blocks the caller.
   *
   * @return false if they were dropped: the process has not read a bounded amount of earlier input yet
   */
  boolean write(byte[] input);

  /** Sets the terminal's size, which the process sees as SIGWINCH. */
  void resize(int cols, int rows);

  /** Stops relaying; the process itself is ended by its caller (or when its container stops). */
  void close();

  /** Receives what a {@link TtyProcess} prints and when it ends. Called from a runtime thread. */
  interface Listener {
    /**
     * One chunk of output. May block, to slow the process down: the runtime reads no more of its output meanwhile
     * (and the process blocks once its terminal's buffer is full). Returns promptly once the process is closed.
     */
    void output(byte[] data);

    void exited(int code);
  }
}
