package io.pier.edge;

import io.pier.common.http.HtmlPage;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
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

  /** The origin of a preview request, as its failures name it. */
  private static final String APP = "the repl's app";

  /** How often the waiting page loads itself again. */
  private static final int RETRY_SECONDS = 2;

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
                  Failure failure = Failure.of(err, origin);
                  LOG.debug(
                      "{} {}: {}",
                      ctx.request().getMethod(),
                      ctx.request().getURI(),
                      err.toString());
                  ProxyResponse answer =
                      ctx.request()
                          .release()
                          .response()
                          .setStatusCode(failure.status())
                          // The body's media type is the answer's Content-Type (the proxy sets it).
                          .setBody(
                              Body.body(Buffer.buffer(failure.json()), MediaType.APPLICATION_JSON));
                  if (failure.status() == 503) answer.putHeader("Retry-After", "1");
                  return Future.succeededFuture(answer);
                });
      }
    };
  }

  /**
   * Answers a preview request whose repl's app failed it before answering. A browser navigating to an app that does not
   * answer (it is starting, restarting after Run, or stopped listening) gets a page saying so that loads itself again
   * every {@value #RETRY_SECONDS} s, in the IDE's preview pane or a tab of its own, instead of JSON it would show as
   * text; anything else gets the JSON of {@link #answeringFailuresAsJson}.
   */
  static void answerPreview(HttpServerRequest req, Throwable err) {
    answerPreview(req, Failure.of(err, APP), err);
  }

  /**
   * Answers a preview request whose app failed after its head came but before any of its answer reached the client
   * (the app was killed between the two: a Run restarting it, a stop): the app's head is dropped and the failure
   * answered as {@link #answerPreview(HttpServerRequest, Throwable)} does. Closing the connection instead left the
   * browser an empty answer (net::ERR_EMPTY_RESPONSE) that says nothing of what happened.
   */
  static void answerPreviewInsteadOfItsHead(HttpServerRequest req, Throwable err) {
    Failure failure =
        err instanceof TimeoutException
            ? Failure.of(err, APP)
            : new Failure(
                502,
                "origin_broke_off",
                "the repl's app closed the connection before its answer was complete");
    HttpServerResponse response = req.response();
    response.headers().clear();
    response.setChunked(false);
    // Vert.x keeps a status message once set; the app's ("OK") must not follow the failure's code.
    response.setStatusMessage(failure.reason());
    answerPreview(req, failure, err);
  }

  private static void answerPreview(HttpServerRequest req, Failure failure, Throwable err) {
    LOG.debug("{} {}: {}", req.method(), req.uri(), err.toString());
    req.resume();
    HttpServerResponse response = req.response().setStatusCode(failure.status());
    if (browserNavigation(req.method(), req.getHeader(HttpHeaders.ACCEPT))) {
      response
          .putHeader(HttpHeaders.CONTENT_TYPE, HtmlPage.CONTENT_TYPE)
          .putHeader("Cache-Control", "no-store")
          .putHeader("Refresh", String.valueOf(RETRY_SECONDS))
          .end(WAITING_PAGE);
      return;
    }
    if (failure.status() == 503) response.putHeader("Retry-After", "1");
    response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(failure.json());
  }

  private static boolean browserNavigation(HttpMethod method, String accept) {
    return method == HttpMethod.GET && HtmlPage.wanted(accept);
  }

  /** How a failure is answered: 503 when the pool's queue is full, 504 when too slow, 502 when unreachable. */
  private record Failure(int status, String code, String message) {
    static Failure of(Throwable err, String origin) {
      if (err instanceof ConnectionPoolTooBusyException) {
        return new Failure(
            503,
            "origin_busy",
            "too many requests are waiting for " + origin + "; try again shortly");
      }
      if (err instanceof TimeoutException) {
        return new Failure(504, "origin_timeout", origin + " did not answer in time");
      }
      return new Failure(502, "origin_unreachable", "could not reach " + origin);
    }

    String reason() {
      return switch (status) {
        case 503 -> "Service Unavailable";
        case 504 -> "Gateway Timeout";
        default -> "Bad Gateway";
      };
    }

    String json() {
      return new JsonObject().put("error", code).put("message", message).encode();
    }
  }

  private static final String WAITING_PAGE =
      HtmlPage.render(
          "Waiting for the app",
          "The repl's app is not answering yet: it may be starting, or restarting after Run. "
              + "This page tries again every "
              + RETRY_SECONDS
              + " seconds; if it never answers, look at the Run pane in the IDE.");
}
