package io.pier.node.exec;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;

/**
 * A response of server-sent events ({@code text/event-stream}): named events with one line of data each, and a comment
 * now and then so that proxies do not take a quiet process for a dead connection. Use it on the request's context.
 */
final class SseResponse {
  /** How often a quiet stream says it is alive: well under the edge's response timeout. */
  static final long KEEPALIVE_MS = 15_000;

  private final Vertx vertx;
  private final HttpServerResponse response;
  private long keepalive = -1;

  SseResponse(Vertx vertx, HttpServerResponse response) {
    this.vertx = vertx;
    this.response = response;
  }

  /** Sends the head: 200 and the event-stream headers. {@code clientLeft} runs if the connection closes. */
  SseResponse open(Runnable clientLeft) {
    response
        .setStatusCode(200)
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    response.write(": pier exec\n\n");
    keepalive = vertx.setPeriodic(KEEPALIVE_MS, t -> comment());
    response.closeHandler(
        v -> {
          stopKeepalive();
          clientLeft.run();
        });
    return this;
  }

  /** One event; {@code data} must hold no line break. */
  void event(String name, String data) {
    if (gone()) return;
    response.write("event: " + name + "\ndata: " + data + "\n\n");
  }

  /** True while the client's write queue is full: hold back until {@link #onDrain}. */
  boolean full() {
    return !gone() && response.writeQueueFull();
  }

  /** Runs {@code room} once the client's write queue has room again (or the client left). */
  void onDrain(Runnable room) {
    response.drainHandler(v -> room.run());
  }

  boolean gone() {
    return response.ended() || response.closed();
  }

  void end() {
    stopKeepalive();
    if (!gone()) response.end();
  }

  private void comment() {
    if (gone()) {
      stopKeepalive();
    } else if (!response.writeQueueFull()) {
      response.write(": keepalive\n\n");
    }
  }

  private void stopKeepalive() {
    if (keepalive >= 0) vertx.cancelTimer(keepalive);
    keepalive = -1;
  }
}
