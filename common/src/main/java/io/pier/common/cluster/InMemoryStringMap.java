package io.pier.common.cluster;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link StringMap} in this JVM only: for unit tests and single-process tools. */
public final class InMemoryStringMap implements StringMap {
  private record Entry(String value, Instant expiresAt) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Clock clock;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  public InMemoryStringMap(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Future<String> get(String key) {
    return Future.succeededFuture(current(key));
  }

  @Override
  public synchronized Future<Void> set(String key, String value, Duration ttl) {
    entries.put(key, new Entry(value, ttl == null ? null : clock.instant().plus(ttl)));
    changed(key, value);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Boolean> putIfAbsent(String key, String value) {
    if (current(key) != null) return Future.succeededFuture(false);
    entries.put(key, new Entry(value, null));
    changed(key, value);
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Boolean> putIfAbsent(String key, String value, Duration ttl) {
    if (current(key) != null) return Future.succeededFuture(false);
    entries.put(key, new Entry(value, clock.instant().plus(ttl)));
    changed(key, value);
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Boolean> replace(String key, String expected, String value) {
    if (!expected.equals(current(key))) return Future.succeededFuture(false);
    entries.put(key, new Entry(value, null));
    changed(key, value);
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Boolean> remove(String key, String expected) {
    if (!expected.equals(current(key))) return Future.succeededFuture(false);
    entries.remove(key);
    changed(key, null);
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Void> delete(String key) {
    if (entries.remove(key) != null) changed(key, null);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Map<String, String>> entries() {
    Map<String, String> copy = new TreeMap<>();
    for (String key : entries.keySet()) {
      String value = current(key);
      if (value != null) copy.put(key, value);
    }
    return Future.succeededFuture(copy);
  }

  private String current(String key) {
    Entry e = entries.get(key);
    if (e == null) return null;
    if (e.expiresAt() != null && !clock.instant().isBefore(e.expiresAt())) {
      entries.remove(key);
      changed(key, null);
      return null;
    }
    return e.value();
  }

  /** Listeners hear of a change when it is made; an expired entry, when a call notices it has expired. */
  @Override
  public Subscription listen(Listener listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  private void changed(String key, String value) {
    for (Listener listener : listeners) listener.changed(key, value);
  }
}
