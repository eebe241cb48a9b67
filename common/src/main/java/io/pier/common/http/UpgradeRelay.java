package io.pier.common.http;

import io.pier.common.http.netty.ChannelSplice;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Relays WebSocket upgrades (at the edge: IDE sessions to node-agents, previews' own to apps; at a node-agent:
 * sandbox ports' own to the sandbox) over a connection of their own,
 * opened for the upgrade and closed with it: never one from an HTTP request pool, so the number of WebSockets is
 * bounded by the edge's limits and nothing else. The origin's answer is passed on as it is: its 101 and then the
 * bytes both ways (with backpressure), or its refusal with status, headers and body. After the 101 the two
 * connections are spliced at the Netty level ({@link ChannelSplice}): an open WebSocket keeps two channels and a
 * handler each, not Vert.x's objects of the upgrade.
 *
 * <p>Every way a relay ends releases it exactly once: the client closing or vanishing before, during or after the
 * upgrade, the origin refusing, not answering in time, closing or being restarted, either side quiet for the idle
 * timeout (set on the server and on the client agent), a network error on either side.
 *
 * <p>An upgrade whose connection to the origin fails or closes before the origin answered anything is asked once
 * more, on a fresh connection, within the same upgrade timeout. Nothing can have come of the first: an origin's
 * WebSocket lives on the connection that asked for it, and that connection is gone without a 101. Under a burst of
 * opens the edge's connect to a node-agent fails now and then this way (the kernel wakes the connecting socket before
 * it is connected, Netty closes it: {@code StacklessClosedChannelException}, 15 to 67 of 4,000 in the idle-sessions
 * benchmark); once more is enough, and a second failure is answered 502 as before.
 */
public final class UpgradeRelay {
  /** Not passed on: they describe one hop, not the request (the upgrade's own Connection is set anew). */
  static final Set<String> HOP_BY_HOP =
      Set.of(
          "host",
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authorization",
          "proxy-authenticate",
          "te",
          "trailer",
          "transfer-encoding",
          "content-length");

  private final UpgradeSettings shared;

  public UpgradeRelay(
      Vertx vertx, HttpClientAgent agent, Duration connectTimeout, Duration upgradeTimeout) {
    this.shared =
        new UpgradeSettings(
            vertx,
            agent,
            connectTimeout.toMillis(),
            upgradeTimeout.toMillis(),
            new AtomicInteger(),
            new AtomicInteger(),
            new AtomicLong());
  }

  /** Upgrades asked of an origin and not answered yet. */
  public int pending() {
    return shared.pending().get();
  }

  /** WebSockets relayed now. */
  public int open() {
    return shared.open().get();
  }

  /** Upgrades asked again on a fresh connection since start, the first having failed before any answer. */
  public long retried() {
    return shared.retried().get();
  }

  /** The client's headers that go to the origin: all but those of this hop; {@code Connection: Upgrade}. */
  public static MultiMap forwardedHeaders(HttpServerRequest req) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    req.headers()
        .forEach(
            h -> {
              if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT)))
                headers.add(h.getKey(), h.getValue());
            });
    // Firefox sends "keep-alive, Upgrade": origins expect the plain value.
    headers.set(HttpHeaders.CONNECTION, "Upgrade");
    return headers;
  }

  /**
   * Relays the (paused) upgrade request {@code req} to {@code origin}, sending {@code headers} and the client's
   * Host. {@code released} runs once, when the relay has ended in whatever way.
   */
  public void relay(
      HttpServerRequest req, SocketAddress origin, MultiMap headers, Runnable released) {
    relay(req, origin, req.uri(), headers, released);
  }

  /** The same, asking the origin for {@code uri} instead of the client's. */
  public void relay(
      HttpServerRequest req,
      SocketAddress origin,
      String uri,
      MultiMap headers,
      Runnable released) {
    new RelayedUpgrade(shared, req, origin, uri, headers, released).start();
  }

  /** What went wrong, for a message: the exception's own message, or its kind when it has none (a closed channel). */
  static String reason(Throwable failure) {
    return failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
  }
}
