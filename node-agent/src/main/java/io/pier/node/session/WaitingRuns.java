package io.pier.node.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.node.sandbox.SandboxDriver;
import io.pier.node.sandbox.SandboxSpec;
import io.pier.node.sandbox.StartedOnTerminal;
import io.pier.node.sandbox.StartedSandbox;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's shells waiting for a first run, by sandbox ({@link WaitingRun}): each the first process of a sandbox
 * made ahead (a spare) or beside a cold start's restore, taken by the first run of the repl that gets it. One per
 * sandbox, used once; a shell that can take no run (its sandbox removed, its terminal let go) is forgotten.
 */
public final class WaitingRuns {
  /** A node whose shells are not counted anywhere (tests that start no sandbox through it). */
  public static final WaitingRuns NONE = new WaitingRuns(new SimpleMeterRegistry());

  private final Map<String, WaitingRun> waiting = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Counter inWaitingShell;
  private final Counter byExec;

  public WaitingRuns(MeterRegistry metrics) {
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
   * Starts the sandbox of {@code spec} (whose command idles) with a shell as its first process instead, waiting for
   * its first run, where {@code driver} can hold a sandbox's first terminal; otherwise as {@code spec} says, and its
   * first run starts the usual way. Blocking.
   */
  public StartedSandbox start(SandboxDriver driver, SandboxSpec spec) {
    if (!driver.capabilities().terminalFirstProcess()) return driver.start(spec);
    WaitingRun shell = new WaitingRun(HexFormat.of().formatHex(nonce()));
    StartedOnTerminal started =
        driver.startOnTerminal(spec.withCommand(RunScript.FIRST_PROCESS), shell);
    String id = started.sandbox().handle().id();
    waiting.put(id, shell);
    if (!shell.started(started.terminal(), () -> waiting.remove(id))) waiting.remove(id);
    return started.sandbox();
  }

  /** The shell waiting in sandbox {@code id}, once: the caller runs it or dismisses it. */
  Optional<WaitingRun> take(String id) {
    return Optional.ofNullable(waiting.remove(id));
  }

  /** Counts a first run by how it started. */
  void counted(boolean fromWaitingShell) {
    (fromWaitingShell ? inWaitingShell : byExec).increment();
  }

  private byte[] nonce() {
    byte[] b = new byte[12];
    random.nextBytes(b);
    return b;
  }
}
