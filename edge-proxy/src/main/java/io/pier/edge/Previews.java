package io.pier.edge;

import io.pier.common.auth.PreviewAccess;
import io.pier.common.http.UpgradeRelay;
import io.pier.common.repl.Route;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.OriginRequestProvider;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;

/**
 * {@code <slug>.<domain>}: proxied to that repl's published port with the Host kept, WebSockets included. Where a
 * request goes is resolved by {@link PreviewRoutes}: for HTTP inside the proxy's own pipeline (its first interceptor
 * puts the route into the proxy context, where the origin provider reads it), for WebSockets before the relay.
 */
final class Previews {
  /** The proxy context's attachment with the route a request goes to. */
  private static final String ROUTE = "pier.route";

  /** The proxy context's attachment saying the request was answered here, so the proxy sends nothing. */
  private static final String ANSWERED = "pier.answered";

  private final EdgeConfig config;
  private final EdgeClients clients;
  private final PreviewGate gate;
  private final PreviewRoutes routes;
  private final RelayLimits socketLimits;
  private final UpgradeRelay socketRelay;
  private final UpgradeRefusal refusals;
  private final HttpProxy proxy;

  Previews(
      EdgeConfig config,
      EdgeClients clients,
      PreviewGate gate,
      PreviewRoutes routes,
      RelayLimits socketLimits,
      UpgradeRelay socketRelay,
      UpgradeRefusal refusals) {
    this.config = config;
    this.clients = clients;
    this.gate = gate;
    this.routes = routes;
    this.socketLimits = socketLimits;
    this.socketRelay = socketRelay;
    this.refusals = refusals;
    this.proxy =
        HttpProxy.reverseProxy(clients.preview())
            .origin(toResolvedRouteKeepingHost())
            .addInterceptor(resolvingRoutes(), false)
            .addInterceptor(OriginFailures.answeringPreviewFailures(), false)
            .addInterceptor(gate.withoutPierCredentials(), false);
  }

  void handle(HttpServerRequest req, String slug) {
    if (PreviewAccess.EXCHANGE.equals(req.path())) {
      gate.exchange(req, slug);
    } else if (req.canUpgradeToWebSocket()) {
      req.pause();
      routes
          .resolve(req, slug)
          .onSuccess(
              route -> {
                if (route != null) relaySocket(req, slug, route);
              });
    } else {
      proxy.handle(req);
    }
  }

  private void relaySocket(HttpServerRequest req, String slug, Route route) {
    RelayLimits.Admission admission = socketLimits.admit(null, slug);
    if (admission instanceof RelayLimits.Refusal refusal) {
      refusals.refuse(req, "preview", refusal);
      return;
    }
    MultiMap headers = UpgradeRelay.forwardedHeaders(req);
    gate.removePierCredentials(headers);
    socketRelay.relay(
        req,
        SocketAddress.inetSocketAddress(route.port(), route.host()),
        headers,
        ((RelayLimits.Lease) admission)::release);
  }

  /**
   * The proxy's first step: resolves the route and hands it on in the proxy context, or, when the request was answered
   * here (a page, a redirect to sign in, a refusal), ends the pipeline without the proxy sending anything.
   */
  private ProxyInterceptor resolvingRoutes() {
    return new ProxyInterceptor() {
      @Override
      public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
        HttpServerRequest incoming = ctx.request().proxiedRequest();
        // Only preview hosts are handed to this proxy (HostDispatch), so the Host names a slug.
        String slug =
            ((HostTarget.Preview) HostTarget.of(incoming.authority().host(), config.domain()))
                .slug();
        return routes
            .resolve(incoming, slug)
            .compose(
                route -> {
                  if (route == null) {
                    ctx.set(ANSWERED, true);
                    return Future.succeededFuture(ctx.request().response());
                  }
                  ctx.set(ROUTE, route);
                  return ctx.sendRequest();
                });
      }

      @Override
      public Future<Void> handleProxyResponse(ProxyContext ctx) {
        return Boolean.TRUE.equals(ctx.get(ANSWERED, Boolean.class))
            ? Future.succeededFuture()
            : ctx.sendResponse();
      }
    };
  }

  /** Connects to where the route in the proxy context says, keeping the client's Host (HTTP and WebSocket). */
  private OriginRequestProvider toResolvedRouteKeepingHost() {
    return ctx -> {
      Route route = ctx.get(ROUTE, Route.class);
      if (route == null) return Future.failedFuture("no route resolved for this request");
      return ctx.client()
          .request(
              clients.originRequest(SocketAddress.inetSocketAddress(route.port(), route.host())))
          .map(out -> out.authority(ctx.request().proxiedRequest().authority()));
    };
  }
}
