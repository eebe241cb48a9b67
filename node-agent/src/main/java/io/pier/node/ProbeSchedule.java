package io.pier.node;

import java.time.Duration;

/**
 * When a readiness probe tries again, and when it also asks the runtime whether the sandbox still runs. The app of a
 * starting repl usually answers within tens of milliseconds of its run command, so the probe starts at a few
 * milliseconds and doubles up to a cap; asking the runtime costs a call into dockerd, so it happens at most once per
 * cap, not after every refused connection.
 */
final class ProbeSchedule {
  static final Duration FIRST = Duration.ofMillis(5);
  static final Duration CAP = Duration.ofMillis(100);

  private long nextDelayMs = FIRST.toMillis();
  private long lastInspectNanos;

  /** @param startedNanos when probing began ({@link System#nanoTime()}) */
  ProbeSchedule(long startedNanos) {
    this.lastInspectNanos = startedNanos;
  }

  /** How long to wait before the next try: 5, 10, 20, 40, 80, then 100 ms each time. */
  long nextDelayMs() {
    long delay = nextDelayMs;
    nextDelayMs = Math.min(CAP.toMillis(), nextDelayMs * 2);
    return delay;
  }

  /**
   * Whether a failed try at {@code nowNanos} should also ask the runtime if the sandbox runs: once at least
   * {@link #CAP} has passed since probing began or since it last asked.
   */
  boolean inspectNow(long nowNanos) {
    if (nowNanos - lastInspectNanos < CAP.toNanos()) return false;
    lastInspectNanos = nowNanos;
    return true;
  }
}
