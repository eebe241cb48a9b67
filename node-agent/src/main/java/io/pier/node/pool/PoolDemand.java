package io.pier.node.pool;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pool's sizing policy: each kind of sandbox gets as many spares as it had starts in the last {@code window}, up to
 * {@code perKey}. Only the newest {@code perKey} starts of a kind are kept (more would not change its size), and at most
 * {@link #MAX_KINDS} kinds: the one started longest ago is forgotten first.
 */
final class PoolDemand {
  static final int MAX_KINDS = 64;

  private final int perKey;
  private final Duration window;
  private final Clock clock;
  private final Map<PoolKey, Deque<Long>> starts = new LinkedHashMap<>(16, 0.75f, true);

  PoolDemand(int perKey, Duration window, Clock clock) {
    this.perKey = perKey;
    this.window = window;
    this.clock = clock;
  }

  /** A repl of this kind was asked to start here. */
  synchronized void started(PoolKey key) {
    add(key, clock.millis());
  }

  /**
   * Starts an earlier agent of this node saw ({@link DemandStore}), oldest first or not: those outside the window are
   * left out, as are times still to come (a clock set back: they would never leave the window), and a kind keeps at
   * most its newest {@code perKey}, as if they had been seen here.
   */
  synchronized void remember(PoolKey key, List<Long> times) {
    long now = clock.millis();
    long since = now - window.toMillis();
    times.stream().filter(t -> t >= since && t <= now).sorted().forEach(t -> add(key, t));
  }

  /** Counts a start at {@code millis}: a kind keeps its newest {@code perKey}, and the kind started longest ago goes first. */
  private void add(PoolKey key, long millis) {
    Deque<Long> times = starts.computeIfAbsent(key, k -> new ArrayDeque<>());
    times.addLast(millis);
    while (times.size() > perKey) times.removeFirst();
    while (starts.size() > MAX_KINDS) starts.remove(starts.keySet().iterator().next());
  }

  /** The starts of each kind still in the window, oldest first: what {@link DemandStore} keeps. */
  synchronized Map<PoolKey, List<Long>> recent() {
    long since = clock.millis() - window.toMillis();
    Map<PoolKey, List<Long>> recent = new LinkedHashMap<>();
    starts.forEach(
        (key, times) -> {
          List<Long> inWindow = times.stream().filter(t -> t >= since).toList();
          if (!inWindow.isEmpty()) recent.put(key, inWindow);
        });
    return recent;
  }

  /** How many spares of this kind the node should hold now. */
  synchronized int target(PoolKey key) {
    Deque<Long> times = starts.get(key);
    if (times == null) return 0;
    long since = clock.millis() - window.toMillis();
    while (!times.isEmpty() && times.peekFirst() < since) times.removeFirst();
    if (times.isEmpty()) {
      starts.remove(key);
      return 0;
    }
    return Math.min(perKey, times.size());
  }
}
