package io.pier.node.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.node.runtime.TtyProcess;
import io.pier.node.sandbox.SandboxExec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's shells waiting for a first run, by sandbox ({@link WaitingRun}): started beside a sandbox made ahead
 * (a spare) and taken by the first run of the repl that gets it. One per sandbox, used once; a shell that ends
 * unused (its sandbox removed, its agent restarted) is forgotten.
 */
public final class WaitingRuns {
  /** A node that starts every run the usual way. */
  public static final WaitingRuns NONE = new WaitingRuns(null, new SimpleMeterRegistry());

  /** The command of a waiting shell: Pier's own, it reads nothing of the sandbox's files. */
  public static final List<String> SHELL = RunScript.WAITING_SHELL;

  private static final Logger LOG = LoggerFactory.getLogger(WaitingRuns.class);
  private static final int COLS = 120;
  private static final int ROWS = 30;

  private final SandboxExec exec;
  private final Map<String, WaitingRun> waiting = new ConcurrentHashMap<>();
  private final Counter inWaitingShell;
  private final Counter byExec;

  /** @param exec where the shells are started; null for none */
  public WaitingRuns(SandboxExec exec, MeterRegistry metrics) {
    this.exec = exec;
    Gauge.builder("pier.node.runs.waiting", waiting, Map::size)
        .description("Shells waiting in sandboxes for their first run")
        .register(metrics);
    this.inWaitingShell = firstRuns(metrics, "waiting_shell");
    this.byExec = firstRuns(metrics, "exec");
  }

  private static Counter firstRuns(MeterRegistry metrics, String how) {
    return Counter.builder("pier.node.runs.first")
        .tag("started_by", how)
        .description("Repls' first runs in a new sandbox, by how the run was started")
        .register(metrics);
  }

  /**
   * Starts a shell in sandbox {@code id} to wait for its first run. Blocking. A shell that cannot be started leaves
   * the run to start the usual way.
   */
  public void prepare(String id) {
    if (exec == null) return;
    WaitingRun shell = new WaitingRun(() -> waiting.remove(id));
    try {
      TtyProcess terminal =
          exec.execTty(
              id, RunScript.WAITING_SHELL, Map.of("TERM", "xterm-256color"), COLS, ROWS, shell);
      shell.started(terminal);
      waiting.put(id, shell);
    } catch (RuntimeException e) {
      LOG.warn("no shell waits for the first run in {}: {}", id, e.getMessage());
    }
  }

  /** The shell waiting in sandbox {@code id}, once: the caller runs it or dismisses it. */
  Optional<WaitingRun> take(String id) {
    return Optional.ofNullable(waiting.remove(id));
  }

  /** Counts a first run by how it started. */
  void counted(boolean fromWaitingShell) {
    (fromWaitingShell ? inWaitingShell : byExec).increment();
  }
}
