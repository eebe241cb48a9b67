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

/** The apex's {@code /api/}: proxied to a scheduler, any of them, with the Host and scheme the browser used. */
final class ApiProxy {
  private final EdgeClients clients;
  private final Schedulers schedulers;
  private final HttpProxy proxy;

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
  }

  void handle(RoutingContext ctx) {
    if (schedulers.none()) {
      HttpErrors.send(ctx, 503, "no_scheduler", "no scheduler is available; try again shortly");
    } else {
      proxy.handle(ctx.request());
    }
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
