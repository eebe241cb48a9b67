package io.pier.node.session;

import io.pier.node.runtime.TtyProcess;
import io.pier.node.sandbox.SandboxExec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A repl's run process: the template's run command, started and stopped by its sessions, its output shown to all of
 * them on channel 0 and kept for the ones that connect later. On the repl's context.
 */
final class RunProcess {
  private static final String RUN_PID = LiveRepl.PID_DIR + "/run.pid";
  private static final String RUN = RunScript.runCommand(LiveRepl.PID_DIR, RUN_PID);
  private static final int COLS = 120;
  private static final int ROWS = 30;

  private final String containerId;
  private final SandboxExec runtime;

  /** Where the runtime's calls (exec, kill) run: they block. */
  private final WorkerExecutor runtimeWork;

  private final OutputRegulator output;
  private final ReplSessions sessions;
  private final LiveRepl.RunSpec spec;
  private final ReplEnvironment environment;
  private final WaitingRuns waitingRuns;
  private final OutputBuffer recent = new OutputBuffer(Terminal.REPLAY_BYTES);
  private OutputFlow flow = new OutputFlow();
  private TtyProcess process;
  private String state = "stopped";
  private Integer exitCode;
  private Promise<Void> ended;

  /** @param runtimeWork the repl's pool for calls into the container runtime */
  RunProcess(
      String containerId,
      SandboxExec runtime,
      WorkerExecutor runtimeWork,
      OutputRegulator output,
      ReplSessions sessions,
      LiveRepl.RunSpec spec,
      ReplEnvironment environment,
      WaitingRuns waitingRuns) {
    this.containerId = containerId;
    this.runtime = runtime;
    this.runtimeWork = runtimeWork;
    this.output = output;
    this.sessions = sessions;
    this.spec = spec;
    this.environment = environment;
    this.waitingRuns = waitingRuns;
  }

  /** Starts the run command, stopping the one that runs first (Run again restarts). */
  Future<Void> start() {
    // With no run process of its own (an adopted repl), one an earlier agent started may still hold
    // the port.
    return launch(
        false,
        process == null
            ? runtimeWork
                .executeBlocking(
                    () -> {
                      runtime.execAndWait(containerId, killGroup(), Duration.ofSeconds(10));
                      return (Void) null;
                    },
                    false)
                .recover(err -> Future.succeededFuture())
            : stop());
  }

  /** Starts the first run in a new sandbox: nothing runs there yet, nothing to clear away. */
  Future<Void> startFirst() {
    return process == null ? launch(true, Future.succeededFuture()) : start();
  }

  /** @param first the repl's first run in this sandbox: a shell may be waiting for it ({@link WaitingRun}) */
  private Future<Void> launch(boolean first, Future<Void> cleared) {
    return cleared.compose(
        v -> {
          recent.clear();
          exitCode = null;
          OutputFlow started = new OutputFlow();
          flow = started;
          Promise<Void> end = Promise.promise();
          ended = end;
          // Announced before the process can print, so a tab knows the output that follows is the
          // new run's.
          state = "running";
          sessions.broadcast(new JsonObject().put("event", "run").mergeIn(status()));
          Map<String, String> pierOwn =
              Map.of(
                  "PIER_RUN",
                  spec.command(),
                  "PORT",
                  String.valueOf(spec.port()),
                  "TERM",
                  "xterm-256color");
          return runtimeWork
              .executeBlocking(
                  () -> {
                    TtyProcess.Listener listener =
                        output.listener(
                            started,
                            data -> {
                              recent.append(data);
                              sessions.sendBinary(0, data);
                              if (started == flow) output.regulate(started, sessions.readers());
                            },
                            code -> {
                              output.release(started);
                              exited(end, code);
                            });
                    Map<String, String> env = environment.with(pierOwn);
                    return (first ? fromWaitingShell(env, listener) : Optional.<TtyProcess>empty())
                        .orElseGet(
                            () ->
                                runtime.execTty(
                                    containerId,
                                    List.of("/bin/sh", "-c", RUN),
                                    env,
                                    COLS,
                                    ROWS,
                                    listener));
                  },
                  false)
              .map(
                  running -> {
                    process = running;
                    return (Void) null;
                  })
              .onFailure(
                  err -> {
                    output.release(started);
                    state = "stopped";
                    sessions.broadcast(new JsonObject().put("event", "run").mergeIn(status()));
                  });
        });
  }

  /** The run started by the shell waiting in the sandbox, if one waits and can take it; else it is let go. */
  private Optional<TtyProcess> fromWaitingShell(
      Map<String, String> env, TtyProcess.Listener listener) {
    Optional<WaitingRun> shell = waitingRuns.take(containerId);
    Optional<TtyProcess> started = shell.flatMap(waiting -> waiting.run(env, RUN, listener));
    if (started.isEmpty()) shell.ifPresent(WaitingRun::dismiss);
    waitingRuns.counted(started.isPresent());
    return started;
  }

  /** Stops the run process and everything it started (its process group): TERM, then KILL after 3 s. */
  Future<Void> stop() {
    if (process == null || !"running".equals(state)) return Future.succeededFuture();
    Future<Void> end = ended.future();
    state = "stopping";
    // A paused stream would hide the end of the process until the stop gives up waiting.
    output.release(flow);
    return runtimeWork
        .executeBlocking(
            () -> runtime.execAndWait(containerId, killGroup(), Duration.ofSeconds(10)), false)
        .compose(code -> end.timeout(5, TimeUnit.SECONDS).recover(err -> Future.succeededFuture()))
        .onComplete(
            ar -> {
              if (process != null) process.close();
              process = null;
              state = "stopped";
              sessions.broadcast(new JsonObject().put("event", "run").mergeIn(status()));
            });
  }

  /**
   * The run process's group, by the id it wrote at start: TERM (and CONT, for a run stopped by Ctrl-Z in the waiting
   * shell's job control), then KILL if it lingers 3 s.
   */
  private static List<String> killGroup() {
    return List.of(
        "/bin/sh",
        "-c",
        "p=$(cat "
            + RUN_PID
            + " 2>/dev/null) || exit 0; kill -TERM -$p 2>/dev/null || exit 0; kill -CONT -$p"
            + " 2>/dev/null; "
            + "for i in $(seq 30); do kill -0 -$p 2>/dev/null || exit 0; sleep 0.1; done; kill -KILL -$p 2>/dev/null; true");
  }

  /** "stopped", "running", "stopping" or "exited". */
  String state() {
    return state;
  }

  /** True once the run process has ended on its own. */
  boolean exited() {
    return "exited".equals(state);
  }

  /** The recent output, replayed to a session that connects. */
  byte[] replay() {
    return recent.snapshot();
  }

  /** The recent output, as text. */
  String outputText() {
    return new String(recent.snapshot(), StandardCharsets.UTF_8);
  }

  /** Pauses or resumes the output by whether any session has room for it. */
  void regulate() {
    output.regulate(flow, sessions.readers());
  }

  private void exited(Promise<Void> end, int code) {
    end.tryComplete();
    if (end != ended) return;
    exitCode = code;
    if ("running".equals(state)) {
      state = "exited";
      sessions.broadcast(new JsonObject().put("event", "run").mergeIn(status()));
    }
  }

  /** The state, and the exit code once there is one, as the hello and run events carry them. */
  JsonObject status() {
    JsonObject status = new JsonObject().put("state", state);
    if (exitCode != null) status.put("code", exitCode);
    return status;
  }
}
