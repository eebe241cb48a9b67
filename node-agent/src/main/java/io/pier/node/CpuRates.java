package io.pier.node;

import java.util.Collection;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/** Turns sandboxes' CPU time, which only grows, into how many CPUs each used between two readings. */
final class CpuRates {
  private record Reading(long cpuNanos, long atNanos) {}

  private final Map<String, Reading> last = new ConcurrentHashMap<>();

  /**
   * Records a reading of {@code id}'s CPU time.
   *
   * @param atNanos when it was read ({@link System#nanoTime()})
   * @return CPUs used since the previous reading (1.0 = one core); empty for the first, or for two at one instant
   */
  OptionalDouble rate(String id, long cpuNanos, long atNanos) {
    Reading previous = last.put(id, new Reading(cpuNanos, atNanos));
    if (previous == null || atNanos <= previous.atNanos()) return OptionalDouble.empty();
    return OptionalDouble.of(
        (double) (cpuNanos - previous.cpuNanos()) / (atNanos - previous.atNanos()));
  }

  /** Forgets the readings of sandboxes other than {@code ids}. */
  void retain(Collection<String> ids) {
    last.keySet().retainAll(ids);
  }
}
