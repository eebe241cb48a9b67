package io.pier.node.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import io.pier.node.runtime.TtyProcess;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/** A docker exec with a TTY: input through a queue, resizes through the exec resize API. */
final class DockerTty implements TtyProcess {
  private final DockerClient docker;
  private final String execId;
  private final TerminalStreams streams;

  /** Counts the resizes asked for: a size given before the process ran gives way to a later one. */
  private final AtomicInteger resizes = new AtomicInteger();

  DockerTty(DockerClient docker, String execId, TerminalStreams streams) {
    this.docker = docker;
    this.execId = execId;
    this.streams = streams;
  }

  @Override
  public boolean write(byte[] input) {
    return streams.write(input);
  }

  @Override
  public void resize(int cols, int rows) {
    resize(cols, rows, resizes.incrementAndGet());
  }

  /**
   * Gives the terminal its size on {@code background} once its process runs, so that the caller does not wait for
   * the process to start (runc's exec, about 100 ms here): the process sizes its terminal itself first where it can
   * ({@link DockerExecs#sizedTerminal}), and this covers images without {@code stty}. A resize asked for
   * meanwhile wins.
   */
  void sizeOnceRunning(int cols, int rows, Executor background) {
    int asked = resizes.incrementAndGet();
    background.execute(() -> resize(cols, rows, asked));
  }

  /** Resizes, unless a later resize was asked for. */
  private void resize(int cols, int rows, int asked) {
    // The exec may not have started yet when it is first resized; a few quick tries cover that.
    for (int attempt = 0; attempt < 20 && resizes.get() == asked; attempt++) {
      try {
        docker.resizeExecCmd(execId).withSize(rows, cols).exec();
        return;
      } catch (RuntimeException notYetRunning) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    streams.close();
  }
}
