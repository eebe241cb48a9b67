package io.pier.edge;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.json.JsonObject;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How the edge answers a proxied request whose origin (a repl's app, a scheduler) failed it. */
final class OriginFailures {
  private static final Logger LOG = LoggerFactory.getLogger(OriginFailures.class);

  private OriginFailures() {}

  /**
   * A proxied request whose origin could not be reached or did not answer in time gets a JSON answer that says so,
   * never a bare 502 or a wait without end: 503 with {@code Retry-After} when the pool's queue is full, 504 when the
   * origin took too long (to connect, to hand out a pooled connection, or to answer), 502 when it is unreachable.
   */
  static ProxyInterceptor answeringFailuresAsJson(String origin) {
    return new ProxyInterceptor() {
      @Override
      public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
        return ctx.sendRequest()
            .recover(
                err -> {
                  int status;
                  String code;
                  String message;
                  if (err instanceof ConnectionPoolTooBusyException) {
                    status = 503;
                    code = "origin_busy";
                    message = "too many requests are waiting for " + origin + "; try again shortly";
                  } else if (err instanceof TimeoutException) {
                    status = 504;
                    code = "origin_timeout";
                    message = origin + " did not answer in time";
                  } else {
                    status = 502;
                    code = "origin_unreachable";
                    message = "could not reach " + origin;
                  }
                  LOG.debug(
                      "{} {}: {}",
                      ctx.request().getMethod(),
                      ctx.request().getURI(),
                      err.toString());
                  ProxyResponse answer =
                      ctx.request()
                          .release()
                          .response()
                          .setStatusCode(status)
                          .putHeader("Content-Type", "application/json")
                          .setBody(
                              Body.body(
                                  Buffer.buffer(
                                      new JsonObject()
                                          .put("error", code)
                                          .put("message", message)
                                          .encode())));
                  if (status == 503) answer.putHeader("Retry-After", "1");
                  return Future.succeededFuture(answer);
                });
      }
    };
  }
}
