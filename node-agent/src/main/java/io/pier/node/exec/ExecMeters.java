package io.pier.node.exec;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** The programs' exec in the node's metrics: processes running, starts by outcome, ends by cause, output held. */
final class ExecMeters {
  private final MeterRegistry registry;

  /** Output bytes the node holds for exec processes: kept for answers, in rings, on the way to clients. */
  private final AtomicLong buffered = new AtomicLong();

  ExecMeters(MeterRegistry registry, Supplier<Number> running) {
    this.registry = registry;
    Gauge.builder("pier.exec.processes.running", running)
        .description("Exec processes running in this node's repls")
        .register(registry);
    Gauge.builder("pier.exec.output.buffered.bytes", buffered, AtomicLong::get)
        .description(
            "Output of exec processes held by the node: kept for an answer, in background rings, in flight to clients")
        .register(registry);
  }

  AtomicLong buffered() {
    return buffered;
  }

  /** A start: {@code started}, {@code refused} (a bound) or {@code failed} (the sandbox could not run it). */
  void start(String outcome) {
    Counter.builder("pier.exec.starts")
        .description("Exec requests by outcome of their start")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  /** An end: {@code exited} on its own, {@code timed_out}, or {@code killed} (asked, or its client left). */
  void end(String how) {
    Counter.builder("pier.exec.ends")
        .description("Exec processes ended, by how")
        .tag("how", how)
        .register(registry)
        .increment();
  }
}
