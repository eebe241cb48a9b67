package io.pier.node;

import java.time.Duration;

/**
 * When a readiness probe tries again, and when it also asks the runtime whether the sandbox still runs. An app
 * answers within tens to hundreds of milliseconds of its run command (Node.js listens about 100 ms after it starts
 * with a core here), so the probe starts at a few milliseconds and doubles up to a cap of 10 ms: a try is a
 * connection the sandbox's kernel refuses, far cheaper than the wait a longer cap adds to every start (up to the cap,
 * half of it on average; at 100 ms, a pooled start's first byte waited about 50 ms more). Asking the runtime costs a
 * call into dockerd, so it happens at most once per {@link #INSPECT_EVERY}, not after every refused connection.
 */
final class ProbeSchedule {
  static final Duration FIRST = Duration.ofMillis(5);
  static final Duration CAP = Duration.ofMillis(10);
  static final Duration INSPECT_EVERY = Duration.ofMillis(100);

  private long nextDelayMs = FIRST.toMillis();
  private long lastInspectNanos;

  /** @param startedNanos when probing began ({@link System#nanoTime()}) */
  ProbeSchedule(long startedNanos) {
    this.lastInspectNanos = startedNanos;
  }

  /** How long to wait before the next try: 5, then 10 ms each time. */
  long nextDelayMs() {
    long delay = nextDelayMs;
    nextDelayMs = Math.min(CAP.toMillis(), nextDelayMs * 2);
    return delay;
  }

  /**
   * Whether a failed try at {@code nowNanos} should also ask the runtime if the sandbox runs: once at least
   * {@link #INSPECT_EVERY} has passed since probing began or since it last asked.
   */
  boolean inspectNow(long nowNanos) {
    if (nowNanos - lastInspectNanos < INSPECT_EVERY.toNanos()) return false;
    lastInspectNanos = nowNanos;
    return true;
  }
}
