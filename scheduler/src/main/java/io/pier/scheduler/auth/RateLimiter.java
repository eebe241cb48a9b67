package io.pier.scheduler.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** At most {@code limit} events per key in any sliding window of {@code window}; on this scheduler instance. */
public final class RateLimiter {
  private final int limit;
  private final Duration window;
  private final Clock clock;
  private final Map<String, Deque<Instant>> events = new ConcurrentHashMap<>();

  public RateLimiter(int limit, Duration window, Clock clock) {
    this.limit = limit;
    this.window = window;
    this.clock = clock;
  }

  /** Counts an event for {@code key}; false when the key is over its limit (the event is not counted then). */
  public boolean tryAcquire(String key) {
    Instant now = clock.instant();
    Deque<Instant> recent = events.computeIfAbsent(key, k -> new ArrayDeque<>());
    synchronized (recent) {
      while (!recent.isEmpty() && !recent.peekFirst().isAfter(now.minus(window))) recent.pollFirst();
      if (recent.size() >= limit) return false;
      recent.addLast(now);
      return true;
    }
  }
}
