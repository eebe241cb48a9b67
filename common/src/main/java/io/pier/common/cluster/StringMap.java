package io.pier.common.cluster;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.Map;

/**
 * A cluster-wide map of strings to strings: the one thing Pier asks of its cluster technology. Typed views are
 * {@link SharedMap}s; Hazelcast is the production implementation, an in-memory one serves unit tests.
 */
public interface StringMap {
  Future<String> get(String key);

  /** Sets a value; with a non-null {@code ttl} the entry disappears unless set again within it. */
  Future<Void> set(String key, String value, Duration ttl);

  /** @return true when the value was stored, false when the key already had one */
  Future<Boolean> putIfAbsent(String key, String value);

  /** As {@link #putIfAbsent(String, String)}, the entry disappearing after {@code ttl}. */
  Future<Boolean> putIfAbsent(String key, String value, Duration ttl);

  /** Compare-and-set: stores {@code value} only if the current value equals {@code expected}. */
  Future<Boolean> replace(String key, String expected, String value);

  /** Removes the entry only if its current value equals {@code expected}. */
  Future<Boolean> remove(String key, String expected);

  Future<Void> delete(String key);

  Future<Map<String, String>> entries();
}
