package io.pier.edge;

import io.pier.common.http.HtmlPage;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How the edge answers a proxied request whose origin (a repl's app, a scheduler) failed it. */
final class OriginFailures {
  private static final Logger LOG = LoggerFactory.getLogger(OriginFailures.class);

  /** How often the waiting page loads itself again. */
  private static final int RETRY_SECONDS = 2;

  private OriginFailures() {}

  /**
   * A proxied request whose origin could not be reached or did not answer in time gets a JSON answer that says so,
   * never a bare 502 or a wait without end: 503 with {@code Retry-After} when the pool's queue is full, 504 when the
   * origin took too long (to connect, to hand out a pooled connection, or to answer), 502 when it is unreachable.
   */
  static ProxyInterceptor answeringFailuresAsJson(String origin) {
    return answeringFailures(origin, false);
  }

  /**
   * As {@link #answeringFailuresAsJson}, except that a browser navigating to a repl's app that does not answer (it is
   * starting, restarting after Run, or stopped listening) gets a page saying so that loads itself again every {@value
   * #RETRY_SECONDS} s, in the IDE's preview pane or a tab of its own, instead of JSON it would show as text.
   */
  static ProxyInterceptor answeringPreviewFailures() {
    return answeringFailures("the repl's app", true);
  }

  private static ProxyInterceptor answeringFailures(String origin, boolean pagesForBrowsers) {
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
                  if (pagesForBrowsers
                      && ctx.request().getMethod() == HttpMethod.GET
                      && HtmlPage.wanted(ctx.request().headers().get(HttpHeaders.ACCEPT))) {
                    return Future.succeededFuture(waitingPage(ctx, status));
                  }
                  ProxyResponse answer =
                      ctx.request()
                          .release()
                          .response()
                          .setStatusCode(status)
                          // The body's media type is the answer's Content-Type (the proxy sets it).
                          .setBody(
                              Body.body(
                                  Buffer.buffer(
                                      new JsonObject()
                                          .put("error", code)
                                          .put("message", message)
                                          .encode()),
                                  MediaType.APPLICATION_JSON));
                  if (status == 503) answer.putHeader("Retry-After", "1");
                  return Future.succeededFuture(answer);
                });
      }
    };
  }

  private static ProxyResponse waitingPage(ProxyContext ctx, int status) {
    String page =
        HtmlPage.render(
            "Waiting for the app",
            "The repl's app is not answering yet: it may be starting, or restarting after Run. "
                + "This page tries again every "
                + RETRY_SECONDS
                + " seconds; if it never answers, look at the Run pane in the IDE.");
    return ctx.request()
        .release()
        .response()
        .setStatusCode(status)
        .putHeader("Cache-Control", "no-store")
        .putHeader("Refresh", String.valueOf(RETRY_SECONDS))
        .setBody(Body.body(Buffer.buffer(page), MediaType.parse(HtmlPage.CONTENT_TYPE)));
  }
}
