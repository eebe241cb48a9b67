package io.pier.edge;

import io.pier.common.cluster.ClusterState;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Traffic to a repl through the edge (its preview, its sandbox hosts) counts as use, so that the idle stop leaves it
 * alone: written to {@code pier.activity} at most every few seconds per repl and edge.
 */
final class ReplUse {
  private static final long EVERY_NANOS = 10_000_000_000L;
  private static final int MAX_KEYS = 10_000;

  private final ClusterState cluster;
  private final String by;
  private final Map<String, Long> lastRecorded = new ConcurrentHashMap<>();

  /** @param by what the use is recorded as ({@code preview}, {@code sandbox}) */
  ReplUse(ClusterState cluster, String by) {
    this.cluster = cluster;
    this.by = by;
  }

  void record(String slug) {
    long now = System.nanoTime();
    Long last = lastRecorded.get(slug);
    if (last != null && now - last < EVERY_NANOS) return;
    lastRecorded.put(slug, now);
    if (lastRecorded.size() > MAX_KEYS) lastRecorded.clear();
    cluster.activity().put(slug, new ClusterState.Activity(Instant.now(), by));
  }
}
