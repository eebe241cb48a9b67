package io.pier.node.envd.process;

import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.envd.process.ProcessRequests.PtySize;
import io.pier.node.envd.process.ProcessRequests.StartSpec;
import io.pier.node.runtime.TtyProcess;
import io.pier.node.session.LiveRepl;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the in-sandbox API's processes through the repl's sandbox driver (every call blocks, so all run on a bounded
 * worker pool): starts them with the repl's environment and the request's over it, on a terminal or not, signals their
 * process group, writes to and closes their stdin, resizes their terminal. Always as the repl's own user: the driver
 * runs every exec as that user.
 */
final class ProcessLauncher {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessLauncher.class);
  private static final Duration QUICK = Duration.ofSeconds(10);
  private static final Duration INPUT_WAIT = Duration.ofSeconds(LaunchScripts.INPUT_SECONDS + 5);

  /** Input is written in pieces this large: each travels base64-encoded as one argument (Linux allows 128 KiB). */
  static final int INPUT_PIECE = 48 * 1024;

  /** Where a process runs when its request names no directory: the repl's files. */
  static final String DEFAULT_CWD = "/workspace";

  private final WorkerExecutor work;

  ProcessLauncher(WorkerExecutor work) {
    this.work = work;
  }

  /** Starts {@code process} in {@code repl}; it ends with {@link EnvdProcess#failed} when the sandbox cannot. */
  void launch(LiveRepl repl, EnvdProcess process) {
    StartSpec spec = process.spec();
    String cwd = spec.cwd() == null ? DEFAULT_CWD : spec.cwd();
    work.executeBlocking(
            () -> {
              // The owner's variables, read afresh, with the request's over them.
              Map<String, String> env = repl.environment().with(spec.envs());
              List<String> argv = LaunchScripts.launch(spec.argv(), cwd, process.stdinFifo());
              PtySize pty = spec.pty();
              if (pty != null) {
                process.started(
                    repl.sandbox()
                        .execTty(
                            repl.sandboxId(),
                            argv,
                            env,
                            pty.cols(),
                            pty.rows(),
                            process.ttyListener()));
              } else {
                process.started(
                    repl.sandbox()
                        .execPiped(
                            repl.sandboxId(), argv, env, DEFAULT_CWD, process.pipedListener()));
              }
              return null;
            },
            false)
        .onFailure(
            err -> {
              LOG.warn("envd process in {} could not start", repl.slug(), err);
              process.failed("the sandbox could not start the command");
            });
  }

  /** Sends {@code signal} to the group {@code pid} leads. */
  void signal(LiveRepl repl, int pid, String signal) {
    quietly(repl, LaunchScripts.signal(pid, signal), "signalling " + pid);
  }

  /** Removes what a process with stdin left in the sandbox (the holder, the FIFO). */
  void cleanUp(LiveRepl repl, String fifo) {
    quietly(repl, LaunchScripts.cleanUp(fifo), "cleaning up after a process");
  }

  /**
   * Writes {@code data} to the stdin FIFO, piece by piece.
   *
   * @return fails with {@code not_found} when the process has gone, {@code deadline_exceeded} when it took no input in
   *     time
   */
  Future<Void> write(LiveRepl repl, String fifo, byte[] data) {
    return work.executeBlocking(
        () -> {
          for (int from = 0; from < Math.max(data.length, 1); from += INPUT_PIECE) {
            byte[] piece =
                Arrays.copyOfRange(data, from, Math.min(data.length, from + INPUT_PIECE));
            int code =
                repl.sandbox()
                    .execAndWait(repl.sandboxId(), LaunchScripts.input(fifo, piece), INPUT_WAIT);
            if (code == 3)
              throw new ConnectException(ConnectCode.NOT_FOUND, "the process has ended");
            if (code != 0) {
              throw new ConnectException(
                  ConnectCode.DEADLINE_EXCEEDED, "the process did not take its input in time");
            }
          }
          return null;
        },
        true);
  }

  /** Ends the process's input. */
  Future<Void> closeStdin(LiveRepl repl, String fifo) {
    return work.executeBlocking(
        () -> {
          repl.sandbox().execAndWait(repl.sandboxId(), LaunchScripts.closeStdin(fifo), QUICK);
          return null;
        },
        true);
  }

  /** Resizes its terminal. */
  Future<Void> resize(TtyProcess tty, PtySize size) {
    return work.executeBlocking(
        () -> {
          tty.resize(size.cols(), size.rows());
          return null;
        },
        false);
  }

  private void quietly(LiveRepl repl, List<String> argv, String what) {
    work.executeBlocking(() -> repl.sandbox().execAndWait(repl.sandboxId(), argv, QUICK), false)
        .onFailure(err -> LOG.debug("{} in {}", what, repl.slug(), err));
  }
}
