package io.pier.common.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for what a cluster does in the background: members joining, backups copied, caches dropped. */
final class Eventually {
  private static final Duration LIMIT = Duration.ofSeconds(90);

  private Eventually() {}

  static void holds(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not within " + LIMIT + ": " + what);
      Thread.sleep(20);
    }
  }
}
