package io.pier.common.cluster.hazelcast;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.EntryView;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.pier.common.cluster.StringMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A {@link StringMap} backed by a Hazelcast {@link IMap}: Hazelcast's asynchronous calls where it has them (see
 * {@link HazelcastFutures}), blocking calls on Vert.x worker threads.
 */
final class HazelcastStringMap implements StringMap {
  private final Vertx vertx;
  private final IMap<String, String> map;

  HazelcastStringMap(Vertx vertx, IMap<String, String> map) {
    this.vertx = vertx;
    this.map = map;
  }

  @Override
  public Future<String> get(String key) {
    return HazelcastFutures.onContext(map.getAsync(key), vertx.getOrCreateContext());
  }

  /** An entry view is not kept in the near cache: Hazelcast asks the partition's owner for it. */
  @Override
  public Future<String> getFromOwner(String key) {
    return vertx.executeBlocking(
        () -> {
          EntryView<String, String> entry = map.getEntryView(key);
          return entry == null ? null : entry.getValue();
        },
        false);
  }

  @Override
  public Future<Void> set(String key, String value, Duration ttl) {
    return HazelcastFutures.onContext(
        ttl == null
            ? map.setAsync(key, value)
            : map.setAsync(key, value, ttl.toMillis(), TimeUnit.MILLISECONDS),
        vertx.getOrCreateContext());
  }

  @Override
  public Future<Boolean> putIfAbsent(String key, String value) {
    return vertx.executeBlocking(() -> map.putIfAbsent(key, value) == null, false);
  }

  @Override
  public Future<Boolean> putIfAbsent(String key, String value, Duration ttl) {
    return vertx.executeBlocking(
        () -> map.putIfAbsent(key, value, ttl.toMillis(), TimeUnit.MILLISECONDS) == null, false);
  }

  @Override
  public Future<Boolean> replace(String key, String expected, String value) {
    return vertx.executeBlocking(() -> map.replace(key, expected, value), false);
  }

  @Override
  public Future<Boolean> remove(String key, String expected) {
    return vertx.executeBlocking(() -> map.remove(key, expected), false);
  }

  @Override
  public Future<Void> delete(String key) {
    return HazelcastFutures.onContext(map.removeAsync(key), vertx.getOrCreateContext()).mapEmpty();
  }

  @Override
  public Future<Map<String, String>> entries() {
    return vertx.executeBlocking(() -> new HashMap<>(map), false);
  }

  /** An entry listener on the whole map (not only this member's entries), with values. */
  @Override
  public Subscription listen(Listener listener) {
    UUID id = map.addEntryListener(new Forwarder(listener), true);
    return () -> map.removeEntryListener(id);
  }

  /** Hands Hazelcast's entry events to a {@link Listener}: a value for a set, null for anything that ends an entry. */
  private record Forwarder(Listener listener)
      implements EntryAddedListener<String, String>,
          EntryUpdatedListener<String, String>,
          EntryRemovedListener<String, String>,
          EntryExpiredListener<String, String>,
          EntryEvictedListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> event) {
      listener.changed(event.getKey(), event.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> event) {
      listener.changed(event.getKey(), event.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> event) {
      listener.changed(event.getKey(), null);
    }

    @Override
    public void entryExpired(EntryEvent<String, String> event) {
      listener.changed(event.getKey(), null);
    }

    @Override
    public void entryEvicted(EntryEvent<String, String> event) {
      listener.changed(event.getKey(), null);
    }
  }
}
