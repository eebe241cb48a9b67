package io.pier.node.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import io.pier.node.runtime.TtyProcess;
import io.pier.node.sandbox.SandboxException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The terminal of a container's first process, attached to as {@code docker run -it} does: input through a queue,
 * resizes through the container resize API. Closing it detaches; the process goes on (its input stays open).
 */
final class DockerContainerTerminal implements TtyProcess {
  /** How long the engine may take to relay the terminal: it answers in milliseconds unless it hangs. */
  private static final long ATTACH_SECONDS = 10;

  private final DockerClient docker;
  private final String containerId;
  private final TerminalStreams streams;

  private DockerContainerTerminal(
      DockerClient docker, String containerId, TerminalStreams streams) {
    this.docker = docker;
    this.containerId = containerId;
    this.streams = streams;
  }

  /**
   * Attaches to the terminal of container {@code id}; returns once the engine relays it.
   *
   * @param exitCode what the listener is told when the terminal ends: the container's code then
   */
  static DockerContainerTerminal attach(
      DockerClient docker, String id, TtyProcess.Listener listener, IntSupplier exitCode) {
    TerminalStreams streams = new TerminalStreams(listener, exitCode);
    docker
        .attachContainerCmd(id)
        .withStdIn(streams.stdin())
        .withStdOut(true)
        .withStdErr(true)
        .withFollowStream(true)
        .withLogs(false)
        .exec(streams.output());
    DockerContainerTerminal terminal = new DockerContainerTerminal(docker, id, streams);
    try {
      if (!streams.output().awaitStarted(ATTACH_SECONDS, TimeUnit.SECONDS)) {
        terminal.close();
        throw new SandboxException("the engine did not relay the terminal of " + id, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      terminal.close();
      throw new SandboxException("interrupted while attaching to " + id, e);
    }
    return terminal;
  }

  @Override
  public boolean write(byte[] input) {
    return streams.write(input);
  }

  @Override
  public void resize(int cols, int rows) {
    try {
      docker.resizeContainerCmd(containerId).withSize(rows, cols).exec();
    } catch (RuntimeException e) {
      // stopped meanwhile: nothing to size
    }
  }

  @Override
  public void close() {
    streams.close();
  }
}
