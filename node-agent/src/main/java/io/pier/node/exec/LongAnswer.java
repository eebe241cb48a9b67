package io.pier.node.exec;

import io.pier.common.http.HttpErrors;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * A JSON answer that may take long (a command waited for, a {@code ?wait=true}): if it is not ready within
 * {@link SseResponse#KEEPALIVE_MS}, the 200 head goes out and a newline follows now and then (JSON allows leading
 * white space), so that the edge and other proxies do not take the quiet for a dead origin. Use it on the request's
 * context, and only for answers that are 200 once the wait has begun.
 */
final class LongAnswer {
  private LongAnswer() {}

  static void send(Vertx vertx, HttpServerResponse response, Future<JsonObject> answer) {
    long[] timer = {-1};
    timer[0] =
        vertx.setTimer(
            SseResponse.KEEPALIVE_MS,
            t -> {
              if (response.ended() || response.closed()) return;
              response
                  .setStatusCode(200)
                  .setChunked(true)
                  .putHeader("Content-Type", "application/json")
                  .write("\n");
              timer[0] =
                  vertx.setPeriodic(
                      SseResponse.KEEPALIVE_MS,
                      p -> {
                        if (response.ended() || response.closed()) {
                          vertx.cancelTimer(p);
                        } else if (!response.writeQueueFull()) {
                          response.write("\n");
                        }
                      });
            });
    answer.onComplete(
        done -> {
          vertx.cancelTimer(timer[0]);
          if (response.ended() || response.closed()) return;
          if (done.succeeded()) {
            if (!response.headWritten()) {
              response.setStatusCode(200).putHeader("Content-Type", "application/json");
            }
            response.end(done.result().encode());
          } else if (!response.headWritten()) {
            HttpErrors.send(response, 502, "exec_failed", "the sandbox could not run the command");
          } else {
            response.end(
                new JsonObject()
                    .put("error", "exec_failed")
                    .put("message", "the sandbox could not run the command")
                    .encode());
          }
        });
  }
}
