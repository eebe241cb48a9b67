package io.pier.edge;

import io.pier.common.cluster.ClusterState;
import io.pier.common.http.HttpErrors;
import io.pier.common.repl.Route;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * The programs' API of a running repl ({@code /api/repls/<slug>/exec}, {@code processes}, {@code files},
 * {@code archive}): proxied, same path, bodies streamed both ways, to the node-agent that runs it, which checks the
 * caller and the owner. Its pool per node-agent is the API's ({@code PIER_EDGE_API_POOL}, {@code PIER_EDGE_API_QUEUE}).
 */
final class ReplApiProxy {
  /** The paths served by a repl's node-agent rather than by a scheduler. */
  static final Pattern PATHS =
      Pattern.compile("/api/repls/([^/]+)/(exec|processes|files|archive)(/.*)?");

  private static final String AGENT = "pier.agent";

  private final ClusterState cluster;
  private final HttpProxy proxy;

  ReplApiProxy(EdgeClients clients, ClusterState cluster) {
    this.cluster = cluster;
    this.proxy =
        HttpProxy.reverseProxy(clients.api())
            .origin(
                ctx ->
                    ctx.client()
                        .request(clients.originRequest(ctx.get(AGENT, SocketAddress.class))))
            .addInterceptor(toTheReplsAgent(), false)
            .addInterceptor(OriginFailures.answeringFailuresAsJson("the repl's node-agent"), false)
            .addInterceptor(forwardingScheme(), false);
  }

  void handle(RoutingContext ctx) {
    proxy.handle(ctx.request());
  }

  /** Finds the node-agent that runs the repl, or answers 409 when it does not run (nothing is sent on then). */
  private ProxyInterceptor toTheReplsAgent() {
    return new ProxyInterceptor() {
      @Override
      public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
        HttpServerRequest incoming = ctx.request().proxiedRequest();
        var matched = PATHS.matcher(incoming.path());
        String slug = matched.matches() ? matched.group(1) : "";
        return cluster
            .routes()
            .getConfirmingMiss(slug)
            .recover(unreadable -> Future.succeededFuture(null))
            .compose(
                (Route route) -> {
                  if (route == null) {
                    incoming.resume();
                    HttpErrors.send(
                        incoming.response(),
                        409,
                        "not_running",
                        "repl " + slug + " is not running; start it first");
                    return Future.succeededFuture(ctx.request().response());
                  }
                  URI agent = URI.create(route.agentUrl());
                  ctx.set(AGENT, SocketAddress.inetSocketAddress(agent.getPort(), agent.getHost()));
                  return ctx.sendRequest();
                });
      }

      @Override
      public Future<Void> handleProxyResponse(ProxyContext ctx) {
        return ctx.get(AGENT, SocketAddress.class) == null
            ? Future.succeededFuture()
            : ctx.sendResponse();
      }
    };
  }

  /** The node-agent sees the scheme the client used; the header is set here, never taken from the client. */
  private static ProxyInterceptor forwardingScheme() {
    return new ProxyInterceptor() {
      @Override
      public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
        ctx.request()
            .headers()
            .set("X-Forwarded-Proto", RequestScheme.of(ctx.request().proxiedRequest()));
        return ctx.sendRequest();
      }
    };
  }
}
