package io.pier.edge;

import io.pier.common.auth.AuthToken;
import io.pier.common.auth.Credentials;
import io.pier.common.auth.TokenSigner;
import io.pier.common.cluster.ClusterState;
import io.pier.common.http.HttpErrors;
import io.pier.common.http.UpgradeRelay;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.net.URI;

/**
 * An IDE session's WebSocket goes to the node-agent that runs the repl, same path, over a connection of its own.
 * The edge checks the token (the node-agent checks it again, and the owner) to count the session against its
 * user's limit, and the repl's and its own; past one, the client is answered at once.
 */
final class SessionUpgrades {
  private final ClusterState cluster;
  private final TokenSigner tokens;
  private final RelayLimits limits;
  private final UpgradeRelay relay;
  private final UpgradeRefusal refusals;

  SessionUpgrades(
      ClusterState cluster,
      TokenSigner tokens,
      RelayLimits limits,
      UpgradeRelay relay,
      UpgradeRefusal refusals) {
    this.cluster = cluster;
    this.tokens = tokens;
    this.limits = limits;
    this.relay = relay;
    this.refusals = refusals;
  }

  void handle(HttpServerRequest req, String slug) {
    req.pause();
    cluster
        .routes()
        .getConfirmingMiss(slug)
        .onComplete(
            found -> {
              if (found.failed() || found.result() == null) {
                req.resume();
                HttpErrors.send(
                    req.response(), 503, "not_running", slug + " is not running; start it first");
                return;
              }
              AuthToken caller = tokens.verify(Credentials.token(req)).orElse(null);
              if (caller == null) {
                req.resume();
                HttpErrors.send(req.response(), 401, "unauthenticated", "sign in first");
                return;
              }
              RelayLimits.Admission admission = limits.admit(caller.subject(), slug);
              if (admission instanceof RelayLimits.Refusal refusal) {
                refusals.refuse(req, "session", refusal);
                return;
              }
              URI agent = URI.create(found.result().agentUrl());
              relay.relay(
                  req,
                  SocketAddress.inetSocketAddress(agent.getPort(), agent.getHost()),
                  UpgradeRelay.forwardedHeaders(req),
                  ((RelayLimits.Lease) admission)::release);
            });
  }
}
