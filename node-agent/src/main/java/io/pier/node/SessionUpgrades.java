package io.pier.node;

import io.pier.common.auth.AuthToken;
import io.pier.common.cluster.SharedMap;
import io.pier.common.repl.ReplAccess;
import io.pier.common.repl.ReplRecord;
import io.pier.node.limits.SessionSlots;
import io.pier.node.session.LiveRepl;
import io.pier.node.session.SessionAccess;
import io.pier.node.session.SessionHub;
import io.pier.node.session.SessionSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an IDE tab's request into its session WebSocket (docs/protocol.md), relayed here by the edge-proxy: for a
 * caller {@link ReplCallers} admitted (a repl running here, its owner, a collaborator, an admin or a Pier service),
 * with a free session slot; what the session may do follows the caller's role ({@link SessionAccess}).
 */
final class SessionUpgrades {
  private static final Logger LOG = LoggerFactory.getLogger(SessionUpgrades.class);

  /** What a refused session upgrade is told to wait before it tries again: a tab of the same repl may close soon. */
  static final int RETRY_AFTER_REPL_S = 10;

  /** Likewise when the whole node is full: placement and other nodes take longer to help. */
  static final int RETRY_AFTER_NODE_S = 30;

  private final NodeAgentConfig config;
  private final SessionHub sessions;
  private final SharedMap<ReplRecord> repls;

  /** @param repls the cluster's registry, where a session's role is read again while it lasts */
  SessionUpgrades(NodeAgentConfig config, SessionHub sessions, SharedMap<ReplRecord> repls) {
    this.config = config;
    this.sessions = sessions;
    this.repls = repls;
  }

  /** An IDE tab's WebSocket (docs/protocol.md), relayed here by the edge-proxy: after {@link ReplCallers}. */
  void session(RoutingContext ctx) {
    String slug = ctx.pathParam("slug");
    AuthToken caller = ReplCallers.caller(ctx);
    SessionAccess access =
        new SessionAccess(
            caller.subject(),
            ReplCallers.role(ctx),
            () -> repls.get(slug).map(record -> ReplAccess.roleOf(caller, record)));
    upgrade(ctx, slug, ReplCallers.live(ctx), access);
  }

  /**
   * Takes a session slot, or refuses the upgrade at once with 429 (the repl's limit) or 503 (the node's), a JSON
   * body naming the limit and {@code Retry-After}; never a wait. The slot is given back however the session ends.
   */
  private void upgrade(RoutingContext ctx, String slug, LiveRepl live, SessionAccess access) {
    SessionSlots.Slot slot;
    try {
      slot = sessions.slots().acquire(slug);
    } catch (SessionSlots.Refused refused) {
      boolean repl = refused.scope() == SessionSlots.Scope.REPL;
      LOG.info("refused a session of {}: {}", slug, refused.getMessage());
      var response = ctx.response();
      if (response.ended() || response.closed()) return;
      response
          .setStatusCode(repl ? 429 : 503)
          .putHeader("Content-Type", "application/json")
          .putHeader("Retry-After", String.valueOf(repl ? RETRY_AFTER_REPL_S : RETRY_AFTER_NODE_S))
          .end(
              new JsonObject()
                  .put("error", "too_many_sessions")
                  .put("limit", refused.scope().label())
                  .put("max", refused.max())
                  .put(
                      "message",
                      repl
                          ? "repl "
                              + slug
                              + " has "
                              + refused.max()
                              + " IDE sessions open, its limit; "
                              + "close a tab or try again later"
                          : "node "
                              + config.nodeId()
                              + " has "
                              + refused.max()
                              + " IDE sessions open, its limit; "
                              + "try again later")
                  .encode());
      return;
    }
    var connection = ctx.request().connection();
    ctx.request()
        .toWebSocket()
        .onSuccess(ws -> SessionSocket.serve(sessions, ws, connection, live, slot, access))
        .onFailure(
            err -> {
              slot.release();
              LOG.debug("session upgrade for {} failed: {}", slug, err.getMessage());
            });
  }
}
