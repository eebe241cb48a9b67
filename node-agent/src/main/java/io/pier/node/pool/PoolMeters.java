package io.pier.node.pool;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The pool's meters: its size and memory, starts that found a spare or none or waited for one being made, spares made,
 * failed and thrown away.
 */
public final class PoolMeters {
  private final MeterRegistry metrics;
  private final Counter claims;
  private final Counter misses;
  private final Counter refills;
  private final Counter refillFailures;
  private final Counter discards;
  private final Timer waits;

  public PoolMeters(MeterRegistry metrics) {
    this.metrics = metrics;
    this.claims =
        Counter.builder("pier.node.pool.claims")
            .description("Starts that got a spare sandbox")
            .register(metrics);
    this.misses =
        Counter.builder("pier.node.pool.misses")
            .description("Starts that found no spare of their kind and created a sandbox")
            .register(metrics);
    this.refills =
        Counter.builder("pier.node.pool.refills")
            .description("Spare sandboxes made")
            .register(metrics);
    this.refillFailures =
        Counter.builder("pier.node.pool.refill.failures")
            .description("Spare sandboxes that could not be made, or refills the queue refused")
            .register(metrics);
    this.discards =
        Counter.builder("pier.node.pool.discards")
            .description("Spares thrown away unused: memory needed for repls, or demand fell")
            .register(metrics);
    this.waits =
        Timer.builder("pier.node.pool.waits")
            .description(
                "Starts that found no spare ready and took the one being made: how long they waited")
            .register(metrics);
  }

  void watch(WarmPool pool) {
    Gauge.builder("pier.node.pool.size", pool, WarmPool::size)
        .description("Spare sandboxes ready on this node")
        .register(metrics);
    Gauge.builder("pier.node.pool.memory.mb", pool, WarmPool::pooledMemoryMb)
        .description("Memory limits of the spare sandboxes, added up")
        .register(metrics);
    Gauge.builder("pier.node.pool.waiting", pool, WarmPool::waiting)
        .description("Starts waiting now for a spare being made")
        .register(metrics);
  }

  void claimed() {
    claims.increment();
  }

  void waited(Duration time) {
    waits.record(time);
  }

  void missed() {
    misses.increment();
  }

  void refilled() {
    refills.increment();
  }

  void refillFailed() {
    refillFailures.increment();
  }

  void shrunk() {
    discards.increment();
  }
}
