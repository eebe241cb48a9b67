package io.pier.node.runtime.docker;

import io.pier.node.runtime.TtyProcess;
import java.io.Closeable;
import java.io.IOException;
import java.util.function.IntSupplier;

/**
 * The engine's two streams of one terminal (an exec's, or a container's first process's): input through a bounded
 * queue ({@link QueueInputStream}), output frames to a listener, whose end is told once with the code {@code exitCode}
 * reads then.
 */
final class TerminalStreams implements Closeable {
  private final QueueInputStream stdin = new QueueInputStream();
  private final FrameStream output;

  TerminalStreams(TtyProcess.Listener listener, IntSupplier exitCode) {
    this.output =
        new FrameStream(
            frame -> listener.output(frame.getPayload()),
            () -> {
              stdin.close();
              listener.exited(exitCode.getAsInt());
            });
  }

  /** What the engine reads the terminal's input from. */
  QueueInputStream stdin() {
    return stdin;
  }

  /** Where the engine writes the terminal's output. */
  FrameStream output() {
    return output;
  }

  /** Queues input; false if it was dropped (closed, or a bounded amount not yet read). */
  boolean write(byte[] input) {
    return stdin.offer(input);
  }

  /** Stops relaying both ways. */
  @Override
  public void close() {
    stdin.close();
    try {
      output.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
