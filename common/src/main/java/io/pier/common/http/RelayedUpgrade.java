package io.pier.common.http;

import io.pier.common.http.netty.ChannelSplice;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket upgrade relayed by {@link UpgradeRelay}, from the client's request to the hand-over to the splice or
 * the answer that refuses it; every way it ends releases it exactly once.
 */
final class RelayedUpgrade {
  private static final Logger LOG = LoggerFactory.getLogger(RelayedUpgrade.class);

  private final UpgradeSettings shared;

  /** The client's upgrade request: let go of once the relay is handed over to the splice. */
  private HttpServerRequest req;

  private final SocketAddress origin;
  private final String uri;
  private final MultiMap headers;
  private final Runnable released;
  private HttpClientConnection connection;
  private NetSocket upstream;
  private HttpConnection upstreamConnection;
  private NetSocket downstream;
  private long timer = -1;

  /** Upgrade asked for and not answered: counted in {@link UpgradeRelay#pending}. */
  private boolean asking = true;

  private boolean upgraded;
  private boolean ended;

  /** The origin answered (any status): from then on a failure is the answer's, never asked again. */
  private boolean answered;

  /** How many times the origin was asked: a failure of an earlier ask was already dealt with. */
  private int attempts;

  RelayedUpgrade(
      UpgradeSettings shared,
      HttpServerRequest req,
      SocketAddress origin,
      String uri,
      MultiMap headers,
      Runnable released) {
    this.shared = shared;
    this.req = req;
    this.origin = origin;
    this.uri = uri;
    this.headers = headers;
    this.released = released;
  }

  void start() {
    shared.pending().incrementAndGet();
    // Before the upgrade, a client that goes away (killed mid-upgrade, or it gave up) ends the
    // relay here.
    req.response()
        .closeHandler(
            v -> {
              if (downstream == null) end("the client left before the upgrade was through");
            });
    timer =
        shared
            .vertx()
            .setTimer(
                shared.upgradeTimeoutMs(),
                t -> {
                  timer = -1;
                  if (!upgraded)
                    fail(
                        504,
                        "upgrade_timeout",
                        "the origin did not answer the WebSocket upgrade within "
                            + shared.upgradeTimeoutMs() / 1000
                            + " s",
                        null);
                });
    ask();
  }

  /** Opens a connection of the upgrade's own and asks the origin for the WebSocket on it. */
  private void ask() {
    int attempt = ++attempts;
    shared
        .agent()
        .connect(
            new HttpConnectOptions().setServer(origin).setConnectTimeout(shared.connectTimeoutMs()))
        .<HttpClientRequest>compose(
            conn -> {
              connection = conn;
              if (ended) {
                conn.close();
                return Future.failedFuture("ended");
              }
              conn.exceptionHandler(
                  err -> LOG.debug("connection to {} for {}: {}", origin, uri, err.toString()));
              conn.closeHandler(
                  v -> {
                    if (!upgraded)
                      originFailed(
                          attempt,
                          "origin_closed",
                          "the origin closed the connection during the upgrade");
                  });
              return conn.request(
                  new RequestOptions().setMethod(HttpMethod.GET).setURI(uri).setHeaders(headers));
            })
        .compose(
            request -> {
              // The origin sees the Host the client used (a preview's app, the node-agent's
              // Origin check).
              if (req.authority() != null) request.authority(req.authority());
              // Once upgraded, the request ends with its connection: that is no error to log.
              request.exceptionHandler(
                  err -> LOG.debug("upgrade request {}: {}", uri, err.toString()));
              return request.connect();
            })
        .onComplete(
            answer ->
                onRequestContext(
                    () -> {
                      if (attempt != attempts) {
                        // An earlier ask, already failed and asked again: nothing of it is used.
                        if (answer.succeeded()) answer.result().request().connection().close();
                        return;
                      }
                      if (answer.succeeded()) answered = true;
                      if (ended) {
                        if (answer.succeeded() && answer.result().statusCode() == 101)
                          answer.result().netSocket().close();
                        closeConnection();
                      } else if (answer.failed()) {
                        originFailed(
                            attempt,
                            "origin_unreachable",
                            "could not reach the origin: " + UpgradeRelay.reason(answer.cause()));
                      } else if (answer.result().statusCode() == 101) {
                        upgrade(answer.result());
                      } else {
                        refuse(answer.result());
                      }
                    }));
  }

  /**
   * The connection to the origin failed or closed: before any answer, the first time, the upgrade is asked again
   * on a fresh connection (see the class comment); otherwise the client gets a 502. A connection and its request
   * both report one failure: the second report is of an earlier ask, or finds the relay ended.
   */
  private void originFailed(int attempt, String code, String message) {
    if (ended || attempt != attempts) return;
    if (answered || attempts > 1) {
      fail(502, code, message, null);
      return;
    }
    shared.retried().incrementAndGet();
    LOG.debug("upgrade of {} to {}: {}; asking once more", uri, origin, message);
    if (connection != null) connection.close();
    connection = null;
    ask();
  }

  /**
   * Runs {@code action} on the client connection's event loop, where the server's response must be written: at
   * once when already there (so that no byte of the origin's arrives before its handler is set).
   */
  private void onRequestContext(Runnable action) {
    Context context = req instanceof HttpServerRequestInternal internal ? internal.context() : null;
    if (context == null || Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  /** The origin accepted: answer the client 101 with the origin's headers, then relay bytes both ways. */
  private void upgrade(HttpClientResponse response) {
    upgraded = true;
    cancelTimer();
    upstream = response.netSocket();
    upstreamConnection = response.request().connection();
    upstream.pause();
    HttpServerResponse answer = req.response();
    if (answer.closed()) {
      end("the client left as the origin accepted");
      return;
    }
    answer.headers().addAll(response.headers());
    Future<NetSocket> switching;
    try {
      switching = req.toNetSocket();
    } catch (RuntimeException clientGone) {
      // Vert.x throws (rather than fails) when the client's connection closed under it.
      end("the client left as it was upgraded: " + clientGone);
      return;
    }
    switching.onComplete(
        switched -> {
          if (switched.failed()) {
            end("the client left as it was upgraded: " + switched.cause().getMessage());
            return;
          }
          downstream = switched.result();
          if (ended) {
            downstream.close();
            upstream.close();
            return;
          }
          noLongerAsking();
          shared.open().incrementAndGet();
          handOver();
        });
  }

  /**
   * The two sockets are spliced ({@link ChannelSplice}), which ends the relay when either closes; this relay lets
   * go of them, so that nothing of the upgrade stays alive with the WebSocket.
   */
  private void handOver() {
    NetSocket client = downstream;
    NetSocket toOrigin = upstream;
    HttpConnection originConnection = upstreamConnection;
    Runnable release = released;
    ended = true;
    req = null;
    downstream = null;
    upstream = null;
    upstreamConnection = null;
    connection = null;
    Runnable ended = shared.spliceEnded(release);
    try {
      ChannelSplice.join(client, toOrigin, originConnection, ended);
    } catch (RuntimeException cannotSplice) {
      // Only with a connection that is not HTTP/1.1 over TCP (never at the edge or node-agent,
      // which serve no
      // other): refused rather than relayed without bounds, and released.
      LOG.warn("relay of {}: cannot splice the upgrade: {}", uri, cannotSplice.toString());
      client.close();
      toOrigin.close();
      ended.run();
    }
  }

  /** The origin answered something else than 101 (401, 403, 404, 429, ...): the client gets it as it is. */
  private void refuse(HttpClientResponse response) {
    cancelTimer();
    response
        .body()
        .onComplete(
            body -> {
              HttpServerResponse answer = req.response();
              if (!answer.ended() && !answer.closed()) {
                req.resume();
                answer.setStatusCode(response.statusCode());
                response
                    .headers()
                    .forEach(
                        h -> {
                          if (!UpgradeRelay.HOP_BY_HOP.contains(
                              h.getKey().toLowerCase(Locale.ROOT)))
                            answer.headers().add(h.getKey(), h.getValue());
                        });
                answer.end(body.succeeded() ? body.result() : Buffer.buffer());
              }
              end(null);
            });
  }

  private void fail(int status, String code, String message, String retryAfter) {
    if (ended) return;
    HttpServerResponse answer = req.response();
    if (!upgraded && !answer.ended() && !answer.closed()) {
      req.resume();
      answer.setStatusCode(status).putHeader("Content-Type", "application/json");
      if (retryAfter != null) answer.putHeader("Retry-After", retryAfter);
      answer.end(new JsonObject().put("error", code).put("message", message).encode());
    }
    LOG.debug("upgrade of {} to {}: {}", uri, origin, message);
    end(null);
  }

  /** Releases everything this relay holds; the first call counts, later ones do nothing. */
  private void end(String why) {
    if (ended) return;
    ended = true;
    if (why != null) LOG.debug("relay of {}: {}", uri, why);
    cancelTimer();
    noLongerAsking();
    if (downstream != null) {
      shared.open().decrementAndGet();
      downstream.close();
    }
    if (upstream != null) upstream.close();
    closeConnection();
    released.run();
  }

  private void noLongerAsking() {
    if (asking) {
      asking = false;
      shared.pending().decrementAndGet();
    }
  }

  private void closeConnection() {
    if (connection != null && upstream == null) connection.close();
  }

  private void cancelTimer() {
    if (timer >= 0) {
      shared.vertx().cancelTimer(timer);
      timer = -1;
    }
  }
}
