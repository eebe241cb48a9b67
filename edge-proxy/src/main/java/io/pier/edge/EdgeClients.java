package io.pier.edge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

/**
 * The edge's HTTP clients, each sized on purpose: a pool per repl app for previews, a pool per scheduler for API
 * requests and wake-ups, a pool per node-agent for E2B's sandbox hosts, and an agent for WebSocket upgrades, whose
 * connections are their own and never pooled.
 */
final class EdgeClients {
  /**
   * How long an idle connection to a repl's app is kept for the next preview request: less than the shortest
   * keep-alive of common app servers (Node.js closes idle connections after 5 s). Kept longer, the edge would send a
   * request on a connection the app is closing at that moment, and answer it 502 (seen once in the 15-minute soak).
   */
  private static final int APP_KEEP_ALIVE_SECONDS = 4;

  private final EdgeConfig.Capacity capacity;

  /**
   * Previews' HTTP requests: a pool per repl app, sized on purpose, with a bounded queue, split between the event
   * loops ({@link EventLoopClients}).
   */
  private final EventLoopClients preview;

  /** API requests and wake-ups: a pool per scheduler, sized on purpose, with a bounded queue. */
  private final HttpClient api;

  /**
   * E2B's sandbox hosts (the in-sandbox API and sandboxes' ports): a pool per node-agent, apart from the API's, since
   * the in-sandbox API's streams (a running command, a watched folder) hold their connection for their whole life.
   */
  private final HttpClient sandbox;

  /** WebSocket upgrades: connections of their own, never pooled. */
  private final HttpClientAgent upgrades;

  EdgeClients(
      EdgeConfig.Capacity capacity,
      EventLoopClients preview,
      HttpClient api,
      HttpClient sandbox,
      HttpClientAgent upgrades) {
    this.capacity = capacity;
    this.preview = preview;
    this.api = api;
    this.sandbox = sandbox;
    this.upgrades = upgrades;
  }

  /** Creates the clients for this capacity, previews' split between {@code loops} event loops. */
  static EdgeClients open(Vertx vertx, EdgeConfig.Capacity capacity, int loops) {
    EventLoopClients preview =
        new EventLoopClients(
            () ->
                pooledClient(
                    vertx,
                    capacity,
                    "edge-preview",
                    EventLoopClients.perLoop(capacity.previewPool(), loops, 1),
                    EventLoopClients.perLoop(capacity.previewQueue(), loops, 0),
                    APP_KEEP_ALIVE_SECONDS));
    HttpClient api =
        pooledClient(vertx, capacity, "edge-api", capacity.apiPool(), capacity.apiQueue(), 30);
    HttpClient sandbox =
        pooledClient(
            vertx, capacity, "edge-sandbox", capacity.sandboxPool(), capacity.sandboxQueue(), 30);
    HttpClientAgent upgrades =
        vertx
            .httpClientBuilder()
            .with(
                new HttpClientOptions()
                    .setName("edge-upgrades")
                    .setConnectTimeout((int) capacity.connectTimeout().toMillis())
                    // A relayed WebSocket with no byte either way for this long is closed (the
                    // client side has the same).
                    .setIdleTimeout((int) capacity.idleTimeout().toSeconds()))
            .build();
    return new EdgeClients(capacity, preview, api, sandbox, upgrades);
  }

  /**
   * A pooled HTTP client: {@code size} connections per origin, {@code queue} requests waiting, then 503. An idle
   * pooled connection is dropped after {@code keepAliveSeconds}.
   */
  private static HttpClient pooledClient(
      Vertx vertx,
      EdgeConfig.Capacity capacity,
      String name,
      int size,
      int queue,
      int keepAliveSeconds) {
    return vertx
        .httpClientBuilder()
        .with(
            new HttpClientOptions()
                .setName(name)
                .setMetricsName(name)
                .setConnectTimeout((int) capacity.connectTimeout().toMillis())
                .setKeepAliveTimeout(keepAliveSeconds)
                // A pooled connection nobody used for this long is closed (as is any the origin
                // leaves silent).
                .setIdleTimeout((int) capacity.responseTimeout().toSeconds()))
        .with(new PoolOptions().setHttp1MaxSize(size).setMaxWaitQueueSize(queue))
        .build();
  }

  EventLoopClients preview() {
    return preview;
  }

  HttpClient api() {
    return api;
  }

  HttpClient sandbox() {
    return sandbox;
  }

  HttpClientAgent upgrades() {
    return upgrades;
  }

  /** How a proxied request asks for its origin connection: bounded wait for the pool and for the answer. */
  RequestOptions originRequest(SocketAddress server) {
    return new RequestOptions()
        .setServer(server)
        .setConnectTimeout(capacity.connectTimeout().toMillis())
        .setIdleTimeout(capacity.responseTimeout().toMillis());
  }

  /** Closes them all; done when each has closed (or failed to). */
  Future<?> close() {
    return Future.join(preview.close(), close(api), close(sandbox), close(upgrades));
  }

  private static Future<Void> close(HttpClient client) {
    return client == null ? Future.succeededFuture() : client.close();
  }
}
