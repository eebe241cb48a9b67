package io.pier.node;

import io.pier.common.auth.AuthToken;
import io.pier.common.auth.Credentials;
import io.pier.common.auth.TokenSigner;
import io.pier.common.cluster.ClusterState;
import io.pier.common.http.HttpErrors;
import io.pier.common.repl.ReplAccess;
import io.pier.common.repl.ReplRole;
import io.pier.common.repl.Slugs;
import io.pier.node.api.NodeApiContract;
import io.pier.node.session.LiveRepl;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * The gate of every user-facing route of a repl running here ({@code /api/repls/<slug>/...}: the IDE session and the
 * programs' API), reached through the edge-proxy: the repl must run on this node, the caller must be signed in and have
 * the role the route needs ({@link ReplRoutePolicy}: owner, an administrator or a Pier service; an editor; a viewer). What passes is kept in the routing context for the next handler
 * ({@link #live}, {@link #caller}); anything else is answered here with a JSON error, as is a request whose parameters
 * do not fit the API document ({@link NodeApiContract}).
 */
final class ReplCallers {
  private static final String LIVE = "pier.live";
  private static final String CALLER = "pier.caller";
  private static final String ROLE = "pier.role";

  private final NodeAgentConfig config;
  private final ClusterState cluster;
  private final ReplHost host;
  private final TokenSigner tokens;
  private final NodeApiContract contract;

  ReplCallers(
      NodeAgentConfig config,
      ClusterState cluster,
      ReplHost host,
      TokenSigner tokens,
      NodeApiContract contract) {
    this.config = config;
    this.cluster = cluster;
    this.host = host;
    this.tokens = tokens;
    this.contract = contract;
  }

  /** A route handler: passes a request with the role its route needs on to the next handler, refuses the rest. */
  void admit(RoutingContext ctx) {
    String slug = ctx.pathParam("slug");
    Optional<LiveRepl> live = Slugs.isValid(slug) ? host.live(slug) : Optional.empty();
    if (live.isEmpty()) {
      HttpErrors.send(
          ctx, 404, "not_running", "repl " + slug + " does not run on node " + config.nodeId());
      return;
    }
    Optional<AuthToken> caller = tokens.verify(Credentials.token(ctx.request()));
    if (caller.isEmpty()) {
      HttpErrors.send(ctx, 401, "unauthenticated", "sign in first");
      return;
    }
    // The owner is read from the cluster: the request's body waits, unread, until it is known
    // (resumed below just
    // before the next handler runs, which sets its own handlers before any byte is delivered, as
    // Vert.x's own
    // authentication handler does).
    boolean ended = ctx.request().isEnded();
    if (!ended) ctx.request().pause();
    cluster
        .repls()
        .get(slug)
        .onComplete(
            found -> {
              if (!ended) ctx.request().resume();
              AuthToken who = caller.get();
              Optional<ReplRole> role =
                  ReplAccess.roleOf(who, found.succeeded() ? found.result() : null);
              if (role.isEmpty()) {
                HttpErrors.send(ctx, 403, "forbidden", "this repl belongs to someone else");
                return;
              }
              ReplRole needed =
                  ReplRoutePolicy.needed(ctx.request().method(), ctx.request().path());
              if (!role.get().atLeast(needed)) {
                HttpErrors.send(
                    ctx,
                    403,
                    "forbidden",
                    "you are a viewer of this repl: you may read its files and watch it, not change or run anything");
                return;
              }
              // Checked before the next handler takes the body (an upload streams, unread here).
              String problem = contract.parameterProblem(ctx.request());
              if (problem != null) {
                HttpErrors.send(ctx, 400, "invalid_request", problem);
                return;
              }
              ctx.put(LIVE, live.get());
              ctx.put(CALLER, who);
              ctx.put(ROLE, role.get());
              ctx.next();
            });
  }

  /** The repl a request {@link #admit admitted} is for. */
  static LiveRepl live(RoutingContext ctx) {
    return ctx.get(LIVE);
  }

  /** The role in the repl of who sent a request {@link #admit admitted}. */
  static ReplRole role(RoutingContext ctx) {
    return ctx.get(ROLE);
  }

  /** Who sent a request {@link #admit admitted}. */
  static AuthToken caller(RoutingContext ctx) {
    return ctx.get(CALLER);
  }
}
