package io.pier.node;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.pier.node.collab.CollabGauges;
import io.pier.node.workspace.WorkspaceVolumes;
import io.pier.node.workspace.WriteBehind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/** The repl host's meters: starts, what runs, sessions and terminals, each repl's use, the write-behind queues. */
final class ReplMeters {
  /** One reading of the running repls' use, by slug. */
  record Readings(
      Map<String, Double> cpu,
      Map<String, Long> memoryBytes,
      Map<String, WorkspaceVolumes.Usage> disk) {}

  private final Timer startTimer;
  private final Timer warmLaunch;
  private final Timer coldLaunch;
  private final StartSteps steps;
  private final Counter startFailures;

  /** Upload failures of repls that left this node, so the failure counter never goes down. */
  private final AtomicLong retiredSyncFailures = new AtomicLong();

  /** What the running repls' workspaces may take of the node's disk together, at the last reading. */
  private final AtomicLong workspaceBytes = new AtomicLong();

  private final MultiGauge replCpu;
  private final MultiGauge replMemory;
  private final MultiGauge replDiskUsed;
  private final MultiGauge replDiskSize;

  ReplMeters(MeterRegistry metrics, Map<String, RunningRepl> running) {
    this.startTimer =
        Timer.builder("pier.node.repl.start")
            .description("Time to start a repl on this node")
            .publishPercentileHistogram()
            .register(metrics);
    this.warmLaunch = launchTimer(metrics, "warm");
    this.coldLaunch = launchTimer(metrics, "cold");
    this.startFailures = Counter.builder("pier.node.repl.start.failures").register(metrics);
    this.steps = new StartSteps(metrics);
    metrics.gauge("pier.node.repls.running", running, Map::size);
    Gauge.builder(
            "pier.sessions.open",
            running,
            all -> all.values().stream().mapToInt(r -> r.live().sessionCount()).sum())
        .description("IDE sessions connected to this node's repls")
        .register(metrics);
    Gauge.builder(
            "pier.terminals.open",
            running,
            all -> all.values().stream().mapToInt(r -> r.live().terminalCount()).sum())
        .description("Terminals open in this node's repls")
        .register(metrics);
    new CollabGauges(
        metrics, () -> running.values().stream().flatMap(r -> r.live().sharedDocuments().stream()));
    this.replCpu =
        MultiGauge.builder("pier.repl.cpu.usage")
            .description("CPUs a repl's container uses (1.0 = one core)")
            .register(metrics);
    this.replMemory =
        MultiGauge.builder("pier.repl.memory.bytes")
            .description("Memory a repl's container uses")
            .register(metrics);
    this.replDiskUsed =
        MultiGauge.builder("pier.repl.disk.used.bytes")
            .description("Space a repl's workspace uses of its own filesystem")
            .register(metrics);
    this.replDiskSize =
        MultiGauge.builder("pier.repl.disk.size.bytes")
            .description("Size of a repl's workspace filesystem: what it may fill")
            .register(metrics);
    Gauge.builder("pier.node.workspaces.size.bytes", workspaceBytes, AtomicLong::get)
        .description(
            "Sizes of the running repls' workspaces added up: what they may take of the node's disk")
        .register(metrics);
    Gauge.builder(
            "pier.sync.pending.files",
            running,
            all -> all.values().stream().mapToInt(r -> r.writeBehind().status().pending()).sum())
        .description("Changed files not yet in storage, all repls of this node")
        .register(metrics);
    Gauge.builder(
            "pier.sync.lag.seconds",
            running,
            all ->
                all.values().stream()
                    .mapToDouble(r -> r.writeBehind().status().lag().toMillis() / 1000.0)
                    .max()
                    .orElse(0))
        .description("Age of the oldest change not yet in storage")
        .register(metrics);
    FunctionCounter.builder(
            "pier.sync.failures",
            running,
            all ->
                retiredSyncFailures.get()
                    + all.values().stream()
                        .mapToLong(r -> r.writeBehind().status().failures())
                        .sum())
        .description("Failed uploads and deletes, retried")
        .register(metrics);
  }

  /** The sandbox of a start runs with the repl's files in its workspace: from a spare ({@code warm}) or created. */
  void launched(Duration took, boolean warm) {
    (warm ? warmLaunch : coldLaunch).record(took);
  }

  private static Timer launchTimer(MeterRegistry metrics, String sandbox) {
    return Timer.builder("pier.node.repl.launch")
        .description(
            "Time from a start's call to its sandbox running with the repl's files, before the run command")
        .tag("sandbox", sandbox)
        .publishPercentileHistogram()
        .register(metrics);
  }

  void started(Duration took) {
    startTimer.record(took);
  }

  /** The timers of a start's steps. */
  StartSteps steps() {
    return steps;
  }

  void startFailed() {
    startFailures.increment();
  }

  /** Keeps the upload failures of a repl's queue that closes for good. */
  void retired(WriteBehind writeBehind) {
    retiredSyncFailures.addAndGet(writeBehind.status().failures());
  }

  /** Shows {@code readings} as each repl's use, dropping the rows of repls not in them. */
  void publish(Readings readings) {
    replCpu.register(rows(readings.cpu()), true);
    replMemory.register(rows(readings.memoryBytes()), true);
    replDiskUsed.register(rows(readings.disk(), WorkspaceVolumes.Usage::usedBytes), true);
    replDiskSize.register(rows(readings.disk(), WorkspaceVolumes.Usage::sizeBytes), true);
    workspaceBytes.set(
        readings.disk().values().stream().mapToLong(WorkspaceVolumes.Usage::sizeBytes).sum());
  }

  private static List<MultiGauge.Row<?>> rows(Map<String, ? extends Number> bySlug) {
    return bySlug.entrySet().stream()
        .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of("slug", e.getKey()), e.getValue()))
        .toList();
  }

  private static List<MultiGauge.Row<?>> rows(
      Map<String, WorkspaceVolumes.Usage> disk, ToLongFunction<WorkspaceVolumes.Usage> value) {
    return disk.entrySet().stream()
        .<MultiGauge.Row<?>>map(
            e -> MultiGauge.Row.of(Tags.of("slug", e.getKey()), value.applyAsLong(e.getValue())))
        .toList();
  }
}
