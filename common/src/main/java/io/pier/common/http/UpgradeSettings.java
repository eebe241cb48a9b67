package io.pier.common.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the relays of one {@link UpgradeRelay} share: where they run, the client they open their connections with,
 * their timeouts and their counts.
 *
 * @param pending upgrades asked of an origin and not answered yet
 * @param open    WebSockets relayed now
 * @param retried upgrades asked again on a fresh connection
 */
record UpgradeSettings(
    Vertx vertx,
    HttpClientAgent agent,
    long connectTimeoutMs,
    long upgradeTimeoutMs,
    AtomicInteger pending,
    AtomicInteger open,
    AtomicLong retried) {

  /**
   * What runs when a spliced relay ends. Made here, not in {@link RelayedUpgrade}, so that the splice keeps nothing of
   * the relay (its request, headers) for as long as the WebSocket is open.
   */
  Runnable spliceEnded(Runnable release) {
    return () -> {
      open.decrementAndGet();
      release.run();
    };
  }
}
