package io.pier.node.exec;

import io.pier.common.http.ApiException;
import io.pier.node.session.LiveRepl;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a requested process in a repl's sandbox and sees it to its end: takes it into the repl's table (bounded),
 * starts it through the sandbox driver off the event loop, kills its process group when its time runs out, and counts
 * how it started and ended.
 */
final class ProcessStarter {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessStarter.class);

  /** After a timeout's kill, how long the output may still take to drain to a slow client before it is dropped. */
  static final Duration DRAIN_AFTER_KILL = Duration.ofSeconds(10);

  private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final WorkerExecutor runtimeWork;
  private final NodeProcesses tables;
  private final ExecMeters meters;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  /** @param runtimeWork where the driver's calls run: they block */
  ProcessStarter(
      Vertx vertx,
      WorkerExecutor runtimeWork,
      NodeProcesses tables,
      ExecMeters meters,
      Clock clock) {
    this.vertx = vertx;
    this.runtimeWork = runtimeWork;
    this.tables = tables;
    this.meters = meters;
    this.clock = clock;
  }

  /**
   * Starts {@code request} in {@code repl}, its output to {@code output}.
   *
   * @return the process, running or about to; it ends with a {@link ExecProcess#startError()} when the sandbox could
   *     not start it
   * @throws ApiException 429 when the repl runs as many processes as it may
   */
  ExecProcess start(LiveRepl repl, ExecRequest request, ExecOutput output) {
    ExecProcess process =
        new ExecProcess(
            newId(), request, clock, output, (pid, signal) -> signal(repl, pid, signal));
    ReplProcesses table;
    try {
      table = tables.admit(repl, process);
    } catch (ApiException refused) {
      meters.start("refused");
      throw refused;
    }
    long timer =
        vertx.setTimer(
            request.timeout().toMillis(),
            t -> {
              if (process.signal("KILL", ExecProcess.Cause.TIMEOUT)) {
                vertx.setTimer(DRAIN_AFTER_KILL.toMillis(), d -> output.release());
              }
            });
    process
        .done()
        .onComplete(
            ended -> {
              vertx.cancelTimer(timer);
              table.ended(process);
              if (process.startError() == null) meters.end(how(process));
            });
    runtimeWork
        .executeBlocking(
            () ->
                repl.sandbox()
                    .execPiped(
                        repl.sandboxId(),
                        ExecCommand.argv(request),
                        // The owner's variables, read afresh, with the request's over them.
                        repl.environment().with(ExecCommand.env(request)),
                        request.cwd(),
                        process.listener()),
            false)
        .onSuccess(
            piped -> {
              meters.start("started");
              process.started(piped);
            })
        .onFailure(
            err -> {
              LOG.warn("exec in {} could not start", repl.slug(), err);
              meters.start("failed");
              process.failed(err);
            });
    return process;
  }

  /** Sends {@code signal} to the process group {@code pid} leads, as the repl's user. */
  private void signal(LiveRepl repl, int pid, String signal) {
    runtimeWork
        .executeBlocking(
            () ->
                repl.sandbox()
                    .execAndWait(repl.sandboxId(), ExecCommand.signal(pid, signal), SIGNAL_TIMEOUT),
            false)
        .onFailure(err -> LOG.debug("signalling {} in {}", pid, repl.slug(), err));
  }

  private static String how(ExecProcess process) {
    if (process.timedOut()) return "timed_out";
    return process.outcome().getBoolean("killed") ? "killed" : "exited";
  }

  private String newId() {
    byte[] bytes = new byte[8];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
