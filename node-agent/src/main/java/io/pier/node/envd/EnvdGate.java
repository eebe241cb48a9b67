package io.pier.node.envd;

import io.pier.common.auth.SandboxAccessTokens;
import io.pier.common.cluster.SharedMap;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.Slugs;
import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.envd.connect.EnvdCall;
import io.pier.node.session.LiveRepl;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The gate of the in-sandbox API ({@code /envd/<slug>/...}, what E2B's SDKs reach at {@code
 * 49983-<slug>.<domain>}): the repl must run on this node (else 502, as E2B's proxy answers for a sandbox that is
 * gone), the request must carry the repl's access token in {@code X-Access-Token} (else 401 {@code unauthenticated}),
 * and the user it asks for must be the repl's own ({@link EnvdUsers}). What passes is kept in the routing context as an
 * {@link EnvdCall} ({@link #call}); errors are answered in Connect's shape.
 */
public final class EnvdGate {
  static final String TOKEN_HEADER = "X-Access-Token";
  static final String TIMEOUT_HEADER = "Connect-Timeout-Ms";
  static final String KEEPALIVE_HEADER = "Keepalive-Ping-Interval";
  private static final String CALL = "pier.envd.call";
  private static final Duration MIN_KEEPALIVE = Duration.ofSeconds(1);
  private static final Duration MAX_KEEPALIVE = Duration.ofHours(1);

  private final String nodeId;
  private final Function<String, Optional<LiveRepl>> running;
  private final SharedMap<ReplRecord> repls;
  private final SandboxAccessTokens tokens;

  /**
   * @param running the live state of a repl running on this node, by slug
   * @param repls   the cluster's repl records (the creation time the token is bound to)
   */
  public EnvdGate(
      String nodeId,
      Function<String, Optional<LiveRepl>> running,
      SharedMap<ReplRecord> repls,
      SandboxAccessTokens tokens) {
    this.nodeId = nodeId;
    this.running = running;
    this.repls = repls;
    this.tokens = tokens;
  }

  /** The call a request {@link #admit admitted} is. */
  public static EnvdCall call(RoutingContext ctx) {
    return ctx.get(CALL);
  }

  /** {@code GET /envd/<slug>/health}: 204 while the repl runs here, as envd's own health answers; 502 when not. */
  void health(RoutingContext ctx) {
    if (runningHere(ctx.pathParam("slug")).isPresent()) {
      ctx.response().setStatusCode(204).end();
    } else {
      notRunning(ctx);
    }
  }

  /** A route handler: passes an admitted request on (its {@link EnvdCall} in the context), answers the others. */
  public void admit(RoutingContext ctx) {
    String slug = ctx.pathParam("slug");
    Optional<LiveRepl> live = runningHere(slug);
    if (live.isEmpty()) {
      notRunning(ctx);
      return;
    }
    String token = ctx.request().getHeader(TOKEN_HEADER);
    if (token == null || token.isEmpty()) {
      refuse(ctx, new ConnectException(ConnectCode.UNAUTHENTICATED, "X-Access-Token is missing"));
      return;
    }
    Duration keepalive = keepalive(ctx.request().getHeader(KEEPALIVE_HEADER));
    // The creation time comes from the cluster: the body waits, unread, until the token is checked
    // (resumed just
    // before the next handler runs, which sets its own handlers before any byte is delivered).
    boolean ended = ctx.request().isEnded();
    if (!ended) ctx.request().pause();
    repls
        .get(slug)
        .onComplete(
            found -> {
              if (!ended) ctx.request().resume();
              ReplRecord record = found.succeeded() ? found.result() : null;
              if (record == null || record.createdAt() == null) {
                notRunning(ctx);
                return;
              }
              if (!tokens.verify(slug, record.createdAt().toEpochMilli(), token)) {
                refuse(
                    ctx,
                    new ConnectException(
                        ConnectCode.UNAUTHENTICATED,
                        "X-Access-Token is not this sandbox's access token"));
                return;
              }
              // The user and the deadline are looked at only once the caller proved it may call at
              // all.
              String user;
              Duration timeout;
              try {
                user = EnvdUsers.user(ctx.request().getHeader("Authorization"));
                timeout = timeout(ctx.request().getHeader(TIMEOUT_HEADER));
              } catch (ConnectException e) {
                refuse(ctx, e);
                return;
              }
              ctx.put(CALL, new EnvdCall(live.get(), user, timeout, keepalive));
              ctx.next();
            });
  }

  private Optional<LiveRepl> runningHere(String slug) {
    return Slugs.isValid(slug) ? running.apply(slug) : Optional.empty();
  }

  private void notRunning(RoutingContext ctx) {
    ConnectReplies.error(
        ctx.response(),
        502,
        new ConnectException(
            ConnectCode.UNAVAILABLE,
            "sandbox " + ctx.pathParam("slug") + " is not running on node " + nodeId));
  }

  private static void refuse(RoutingContext ctx, ConnectException error) {
    ConnectReplies.error(ctx.response(), error);
  }

  /** {@code Connect-Timeout-Ms}: at most 10 digits, positive. */
  static Duration timeout(String header) {
    if (header == null || header.isEmpty()) return Duration.ZERO;
    if (header.length() > 10 || !header.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new ConnectException(
          ConnectCode.INVALID_ARGUMENT, "Connect-Timeout-Ms must be at most 10 digits");
    }
    long ms = Long.parseLong(header);
    return ms == 0 ? Duration.ZERO : Duration.ofMillis(ms);
  }

  /** E2B's keep-alive interval in seconds; absent or unreadable: none. Bounded both ways. */
  static Duration keepalive(String header) {
    if (header == null) return Duration.ZERO;
    try {
      long seconds = Long.parseLong(header.strip());
      if (seconds <= 0) return Duration.ZERO;
      Duration asked = Duration.ofSeconds(Math.min(seconds, MAX_KEEPALIVE.toSeconds()));
      return asked.compareTo(MIN_KEEPALIVE) < 0 ? MIN_KEEPALIVE : asked;
    } catch (NumberFormatException e) {
      return Duration.ZERO;
    }
  }
}
