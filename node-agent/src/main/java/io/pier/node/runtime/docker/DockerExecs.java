package io.pier.node.runtime.docker;

import static io.pier.node.runtime.docker.DockerContainerRuntime.RUNNER_USER;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import io.pier.common.concurrent.DaemonThreads;
import io.pier.node.runtime.PipedProcess;
import io.pier.node.runtime.TtyProcess;
import io.pier.node.sandbox.SandboxExec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Processes in a running container through docker exec: terminals, piped processes and commands run to their end. The
 * {@link DockerContainerRuntime} that owns the docker client hands its {@link SandboxExec} calls here and closes this
 * when it closes.
 */
final class DockerExecs implements SandboxExec, AutoCloseable {
  private final DockerClient docker;

  /**
   * Where new terminals get their size once their process runs ({@link DockerTty#sizeOnceRunning}): two threads, 256
   * waiting; beyond that the caller sizes its terminal itself.
   */
  private final ExecutorService resizes =
      new ThreadPoolExecutor(
          2,
          2,
          30,
          TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(256),
          DaemonThreads.named("tty-size"),
          new ThreadPoolExecutor.CallerRunsPolicy());

  DockerExecs(DockerClient docker) {
    this.docker = docker;
  }

  @Override
  public TtyProcess execTty(
      String id,
      List<String> command,
      Map<String, String> env,
      int cols,
      int rows,
      TtyProcess.Listener listener) {
    String execId =
        docker
            .execCreateCmd(id)
            .withTty(true)
            .withAttachStdin(true)
            .withAttachStdout(true)
            .withAttachStderr(true)
            .withUser(RUNNER_USER)
            .withWorkingDir("/workspace")
            .withEnv(assignments(env))
            .withCmd(sizedTerminal(command, cols, rows).toArray(String[]::new))
            .exec()
            .getId();
    TerminalStreams streams = new TerminalStreams(listener, () -> exitCodeOfEnded(execId));
    docker.execStartCmd(execId).withTty(true).withStdIn(streams.stdin()).exec(streams.output());
    DockerTty tty = new DockerTty(docker, execId, streams);
    tty.sizeOnceRunning(cols, rows, resizes);
    return tty;
  }

  /**
   * {@code command} run on a terminal that has its size before the command starts. The engine's API (1.41) takes no
   * size with an exec, and a resize only works once the exec runs: a short command (or a slow machine) would see a
   * 0×0 terminal. So the terminal sets its own size first; {@code exec} keeps the process id. The resize that follows
   * covers images without {@code stty}.
   */
  static List<String> sizedTerminal(List<String> command, int cols, int rows) {
    List<String> argv = new ArrayList<>(command.size() + 6);
    argv.addAll(
        List.of(
            "/bin/sh",
            "-c",
            "stty rows \"$1\" cols \"$2\" 2>/dev/null; shift 2; exec \"$@\"",
            "pier-tty",
            String.valueOf(rows),
            String.valueOf(cols)));
    argv.addAll(command);
    return argv;
  }

  @Override
  public PipedProcess execPiped(
      String id,
      List<String> command,
      Map<String, String> env,
      String workingDir,
      PipedProcess.Listener listener) {
    String execId =
        docker
            .execCreateCmd(id)
            .withAttachStdout(true)
            .withAttachStderr(true)
            .withUser(RUNNER_USER)
            .withWorkingDir(workingDir)
            .withEnv(assignments(env))
            .withCmd(command.toArray(String[]::new))
            .exec()
            .getId();
    FrameStream stream =
        new FrameStream(
            frame ->
                listener.output(
                    frame.getStreamType() == StreamType.STDERR
                        ? PipedProcess.Stream.STDERR
                        : PipedProcess.Stream.STDOUT,
                    frame.getPayload()),
            () -> listener.exited(exitCodeOfEnded(execId)));
    docker.execStartCmd(execId).exec(stream);
    return () -> {
      try {
        stream.close();
      } catch (IOException e) {
        // already closed
      }
    };
  }

  @Override
  public int execAndWait(String id, List<String> command, Duration timeout) {
    String execId =
        docker
            .execCreateCmd(id)
            .withUser(RUNNER_USER)
            .withAttachStdout(true)
            .withAttachStderr(true)
            .withCmd(command.toArray(String[]::new))
            .exec()
            .getId();
    try {
      docker
          .execStartCmd(execId)
          .exec(new ResultCallback.Adapter<Frame>())
          .awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Its own inspect, not exitCodeOfEnded: a container gone while the command ran is
    // the caller's error to see, not an exit code of -1.
    Integer code = docker.inspectExecCmd(execId).exec().getExitCode();
    return code == null ? -1 : code;
  }

  /** Ends the threads that size new terminals; sizes still waiting are dropped. */
  @Override
  public void close() {
    resizes.shutdownNow();
  }

  /** The exit code of an exec whose stream ended, or -1 when there is none to tell (the container is gone). */
  private int exitCodeOfEnded(String execId) {
    Integer code = null;
    try {
      code = docker.inspectExecCmd(execId).exec().getExitCode();
    } catch (RuntimeException e) {
      // the container is gone; there is no exit code to tell
    }
    return code == null ? -1 : code;
  }

  /** {@code env} as the engine takes it: {@code NAME=value} strings. */
  private static List<String> assignments(Map<String, String> env) {
    List<String> assignments = new ArrayList<>();
    env.forEach((k, v) -> assignments.add(k + "=" + v));
    return assignments;
  }
}
