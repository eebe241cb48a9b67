package io.pier.edge;

import io.pier.common.auth.PreviewAccess;
import io.pier.common.http.UpgradeRelay;
import io.pier.common.repl.Route;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * {@code <slug>.<domain>}: proxied to that repl's published port with the Host kept, WebSockets included. Where a
 * request goes is resolved by {@link PreviewRoutes}, then HTTP is relayed by {@link PreviewRelay} and WebSockets by
 * the upgrade relay.
 */
final class Previews {
  private final PreviewGate gate;
  private final PreviewRoutes routes;
  private final PreviewRelay relay;
  private final RelayLimits socketLimits;
  private final UpgradeRelay socketRelay;
  private final UpgradeRefusal refusals;

  Previews(
      PreviewGate gate,
      PreviewRoutes routes,
      PreviewRelay relay,
      RelayLimits socketLimits,
      UpgradeRelay socketRelay,
      UpgradeRefusal refusals) {
    this.gate = gate;
    this.routes = routes;
    this.relay = relay;
    this.socketLimits = socketLimits;
    this.socketRelay = socketRelay;
    this.refusals = refusals;
  }

  void handle(HttpServerRequest req, String slug) {
    if (PreviewAccess.EXCHANGE.equals(req.path())) {
      gate.exchange(req, slug);
      return;
    }
    req.pause();
    boolean socket = req.canUpgradeToWebSocket();
    routes
        .resolve(req, slug)
        .onSuccess(
            route -> {
              if (route == null) return;
              if (socket) {
                relaySocket(req, slug, route);
              } else {
                relay.relay(req, route);
              }
            });
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
}
