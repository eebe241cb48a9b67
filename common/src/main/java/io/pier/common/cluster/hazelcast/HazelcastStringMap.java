package io.pier.common.cluster.hazelcast;

import com.hazelcast.map.IMap;
import io.pier.common.cluster.StringMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
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
}
