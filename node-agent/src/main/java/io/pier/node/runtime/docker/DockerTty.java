package io.pier.node.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import io.pier.node.runtime.TtyProcess;
import java.io.Closeable;
import java.io.IOException;

/** A docker exec with a TTY: input through a queue, resizes through the exec resize API. */
final class DockerTty implements TtyProcess {
  private final DockerClient docker;
  private final String execId;
  private final QueueInputStream stdin;
  private final Closeable stream;

  DockerTty(DockerClient docker, String execId, QueueInputStream stdin, Closeable stream) {
    this.docker = docker;
    this.execId = execId;
    this.stdin = stdin;
    this.stream = stream;
  }

  @Override
  public boolean write(byte[] input) {
    return stdin.offer(input);
  }

  @Override
  public void resize(int cols, int rows) {
    // The exec may not have started yet when it is first resized; a few quick tries cover that.
    for (int attempt = 0; attempt < 20; attempt++) {
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
    stdin.close();
    try {
      stream.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
