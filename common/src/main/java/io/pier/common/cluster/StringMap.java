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

  /**
   * The value as the member that owns the key has it, past any cache this member keeps: a near cache can still answer
   * "none" for a moment after another member set the key (its invalidation is on its way), so a miss that matters is
   * asked again here.
   */
  default Future<String> getFromOwner(String key) {
    return get(key);
  }

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

  /**
   * Follows every change of the map made on any member from now on, so a member can keep a local table of it instead
   * of reading the map per request. The listener runs on a thread of the cluster technology's: it must be quick and
   * thread-safe. Changes of one key arrive in order; nothing is said about the order across keys.
   *
   * @return what stops the listening
   */
  default Subscription listen(Listener listener) {
    throw new UnsupportedOperationException("this map cannot be followed");
  }

  /** Told of each change of one entry. */
  @FunctionalInterface
  interface Listener {
    /**
     * @param value the entry's new value, or null when it is gone (removed, expired or evicted)
     */
    void changed(String key, String value);
  }

  /** A listening that can be stopped. */
  @FunctionalInterface
  interface Subscription {
    void cancel();
  }
}
