package io.pier.node;

import java.time.Duration;

/**
 * When a readiness probe tries again, and when it also asks the runtime whether the sandbox still runs. An app
 * answers within tens to hundreds of milliseconds of its run command (Node.js listens about 100 ms after it starts
 * with a core here), so the probe starts at a few milliseconds and doubles up to a cap of 5 ms: a try is a
 * connection the sandbox's kernel refuses (tens of microseconds of the agent's CPU), far cheaper than the wait a longer
 * cap adds to every start (up to the cap, half of it on average; at 100 ms, a pooled start's first byte waited about
 * 50 ms more). Asking the runtime costs a call into dockerd, so it happens at most once per {@link #INSPECT_EVERY},
 * not after every refused connection.
 */
final class ProbeSchedule {
  static final Duration FIRST = Duration.ofMillis(2);
  static final Duration CAP = Duration.ofMillis(5);
  static final Duration INSPECT_EVERY = Duration.ofMillis(100);

  private long nextDelayMs = FIRST.toMillis();
  private long lastInspectNanos;
  private volatile boolean inspecting;

  /** @param startedNanos when probing began ({@link System#nanoTime()}) */
  ProbeSchedule(long startedNanos) {
    this.lastInspectNanos = startedNanos;
  }

  /** How long to wait before the next try: 2, 4, then 5 ms each time. */
  long nextDelayMs() {
    long delay = nextDelayMs;
    nextDelayMs = Math.min(CAP.toMillis(), nextDelayMs * 2);
    return delay;
  }

  /**
   * Whether a failed try at {@code nowNanos} should also ask the runtime if the sandbox runs: once at least
   * {@link #INSPECT_EVERY} has passed since probing began or since it last asked, and no answer is awaited (a slow
   * runtime is asked once at a time).
   */
  boolean inspectNow(long nowNanos) {
    if (inspecting || nowNanos - lastInspectNanos < INSPECT_EVERY.toNanos()) return false;
    lastInspectNanos = nowNanos;
    inspecting = true;
    return true;
  }

  /** The runtime answered the question {@link #inspectNow} allowed. */
  void inspected() {
    inspecting = false;
  }
}
