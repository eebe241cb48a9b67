package io.pier.edge;

import io.pier.common.http.HttpErrors;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.net.URI;
import java.util.List;

/**
 * The apex's {@code /api/}, and E2B's control plane on {@code api.<domain>} (its path {@code /X} becomes the
 * scheduler's {@code /e2b/X}): proxied to a scheduler, any of them, with the Host and scheme the client used.
 */
final class ApiProxy {
  /** Where a scheduler serves E2B's control plane. */
  static final String E2B_PREFIX = "/e2b";

  private final EdgeClients clients;
  private final Schedulers schedulers;
  private final HttpProxy proxy;
  private final HttpProxy e2bProxy;

  ApiProxy(EdgeClients clients, Schedulers schedulers) {
    this.clients = clients;
    this.schedulers = schedulers;
    // Any scheduler will do; one that does not answer (it just died, its entry not yet expired) is
    // skipped.
    this.proxy =
        HttpProxy.reverseProxy(clients.api())
            .origin(ctx -> connectToAScheduler(ctx.client(), schedulers.shuffled(), 0))
            .addInterceptor(OriginFailures.answeringFailuresAsJson("the scheduler"), false)
            .addInterceptor(forwardingHostAndScheme(), false);
    this.e2bProxy =
        HttpProxy.reverseProxy(clients.api())
            .origin(ctx -> connectToAScheduler(ctx.client(), schedulers.shuffled(), 0))
            .addInterceptor(OriginFailures.answeringFailuresAsJson("the scheduler"), false)
            .addInterceptor(forwardingHostAndScheme(), false)
            .addInterceptor(underE2bPrefix(), false);
  }

  void handle(RoutingContext ctx) {
    if (schedulers.none()) {
      HttpErrors.send(ctx, 503, "no_scheduler", "no scheduler is available; try again shortly");
    } else {
      proxy.handle(ctx.request());
    }
  }

  /**
   * A request to {@code api.<domain>}: its canonical path only (as on the apex, so that no dot segment climbs out of
   * {@code /e2b} at the scheduler), proxied to a scheduler's {@code /e2b} + path.
   */
  void handleE2b(HttpServerRequest req) {
    String canonical = ApexPaths.canonical(req.path());
    if (canonical == null || !canonical.equals(req.path())) {
      HttpErrors.send(
          req.response(),
          400,
          "bad_path",
          canonical == null
              ? "this path is not accepted (dot segments, malformed escapes, backslashes and control characters are not)"
              : "this path is spelt in a way that is not accepted; the accepted spelling is "
                  + canonical);
    } else if (schedulers.none()) {
      HttpErrors.send(
          req.response(), 503, "no_scheduler", "no scheduler is available; try again shortly");
    } else {
      e2bProxy.handle(req);
    }
  }

  /** The scheduler serves E2B's control plane under {@link #E2B_PREFIX}. */
  private static ProxyInterceptor underE2bPrefix() {
    return new ProxyInterceptor() {
      @Override
      public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
        ctx.request().setURI(E2B_PREFIX + ctx.request().proxiedRequest().uri());
        return ctx.sendRequest();
      }
    };
  }

  private Future<HttpClientRequest> connectToAScheduler(
      HttpClient http, List<String> urls, int index) {
    if (index >= urls.size()) return Future.failedFuture("no scheduler answered");
    URI scheduler = URI.create(urls.get(index));
    return http.request(
            clients.originRequest(
                SocketAddress.inetSocketAddress(scheduler.getPort(), scheduler.getHost())))
        .recover(unreachable -> connectToAScheduler(http, urls, index + 1));
  }

  /**
   * The scheduler sees the Host and scheme the browser used, so that it can check a cookie-carrying request's Origin
   * itself; the header is set here, never taken from the client.
   */
  private static ProxyInterceptor forwardingHostAndScheme() {
    return new ProxyInterceptor() {
      @Override
      public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
        HttpServerRequest incoming = ctx.request().proxiedRequest();
        ctx.request().setAuthority(incoming.authority());
        ctx.request().headers().set("X-Forwarded-Proto", RequestScheme.of(incoming));
        return ctx.sendRequest();
      }
    };
  }
}
