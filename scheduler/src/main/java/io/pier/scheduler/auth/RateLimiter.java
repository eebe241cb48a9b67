package io.pier.scheduler.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * At most {@code limit} events per key in any sliding window of {@code window}; on this scheduler instance.
 *
 * <p>Memory is bounded whatever keys callers make up (sign-in attempts carry any username): at most {@code maxKeys}
 * keys are tracked, each with at most {@code limit} instants. Keys are kept in the order of their last counted event,
 * so the ones whose window has passed are at the front and are dropped first, at constant cost per event. When every
 * tracked key is still inside its window and a new one arrives, the new key is refused rather than an old one
 * forgotten: forgetting would let whoever tries {@code maxKeys} other names reset the count of the name they guess.
 * That only happens while more than {@code maxKeys} different keys were used within one window.
 */
public final class RateLimiter {
  /** Keys tracked at most, unless told otherwise. */
  public static final int DEFAULT_MAX_KEYS = 10_000;

  private final int limit;
  private final Duration window;
  private final Clock clock;
  private final int maxKeys;

  /** Key to the instants (epoch ms) of its counted events; iteration order is the order of the last event. */
  private final LinkedHashMap<String, ArrayDeque<Long>> events = new LinkedHashMap<>();

  public RateLimiter(int limit, Duration window, Clock clock) {
    this(limit, window, clock, DEFAULT_MAX_KEYS);
  }

  public RateLimiter(int limit, Duration window, Clock clock, int maxKeys) {
    if (limit < 1 || maxKeys < 1)
      throw new IllegalArgumentException("limit and maxKeys must be positive");
    this.limit = limit;
    this.window = window;
    this.clock = clock;
    this.maxKeys = maxKeys;
  }

  /** What {@link #tryAcquire} decided. */
  public enum Outcome {
    ALLOWED,
    /** This key had {@code limit} events within the window. */
    KEY_LIMITED,
    /** Too many other keys are being tracked within the window: nothing is known of this one, and it is refused. */
    FULL
  }

  /** Counts an event for {@code key}; false when it is refused (the event is not counted then). */
  public boolean tryAcquire(String key) {
    return acquire(key) == Outcome.ALLOWED;
  }

  /** Counts an event for {@code key} unless it is refused, and says which. */
  public synchronized Outcome acquire(String key) {
    long now = clock.millis();
    long horizon = now - window.toMillis();
    dropExpired(horizon);
    ArrayDeque<Long> recent = events.get(key);
    if (recent == null) {
      if (events.size() >= maxKeys) return Outcome.FULL;
      recent = new ArrayDeque<>();
    } else {
      while (!recent.isEmpty() && recent.peekFirst() <= horizon) recent.pollFirst();
      if (recent.size() >= limit) return Outcome.KEY_LIMITED;
      events.remove(key);
    }
    recent.addLast(now);
    events.put(key, recent);
    return Outcome.ALLOWED;
  }

  /** Removes the keys whose last event left the window: they are at the front. */
  private void dropExpired(long horizon) {
    Iterator<Map.Entry<String, ArrayDeque<Long>>> it = events.entrySet().iterator();
    while (it.hasNext()) {
      ArrayDeque<Long> recent = it.next().getValue();
      if (recent.isEmpty() || recent.peekLast() <= horizon) {
        it.remove();
      } else {
        break;
      }
    }
  }

  /** Keys tracked now (a gauge). */
  public synchronized int size() {
    return events.size();
  }
}
