package io.pier.node.session;

import io.pier.common.repl.ReplRole;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a session's caller may do in its repl (docs/security.md#sharing): its role, read again every few seconds so
 * that a role its owner changes or takes back holds on sessions already open, not only on the next one. A viewer's
 * session may only look: list, read and search files, and watch terminals.
 */
public final class SessionAccess {
  /** How often the role is read again (from the cluster's registry, kept near each node). */
  static final long RECHECK_MS = 2000;

  /** The operations a viewer may send (docs/protocol.md); every other one changes or runs something. */
  static final Set<String> VIEWER_OPS =
      Set.of(
          "fs.list",
          "fs.read",
          "fs.search",
          "fs.files",
          "term.attach",
          "doc.open",
          "doc.close",
          "presence");

  private final Supplier<Future<Optional<ReplRole>>> roleNow;
  private final String user;
  private volatile ReplRole role;

  /**
   * @param role    the role the caller had as the session opened
   * @param roleNow reads the caller's role again: empty once it has none
   */
  public SessionAccess(ReplRole role, Supplier<Future<Optional<ReplRole>>> roleNow) {
    this("owner", role, roleNow);
  }

  /** @param user the caller's account name, as the other sessions' presence shows it */
  public SessionAccess(String user, ReplRole role, Supplier<Future<Optional<ReplRole>>> roleNow) {
    this.user = user;
    this.role = role;
    this.roleNow = roleNow;
  }

  /** Someone with every right (a test's, a Pier service's): never read again. */
  public static SessionAccess owner() {
    return new SessionAccess(
        ReplRole.OWNER, () -> Future.succeededFuture(Optional.of(ReplRole.OWNER)));
  }

  /** The caller's account name. */
  String user() {
    return user;
  }

  ReplRole role() {
    return role;
  }

  /** Whether the caller may send {@code op}. */
  boolean allows(String op) {
    return role.canChange() || VIEWER_OPS.contains(op);
  }

  /** Whether the caller may type into terminals. */
  boolean mayType() {
    return role.canChange();
  }

  /**
   * Reads the role again every {@link #RECHECK_MS}; {@code revoked} runs on {@code context} once the caller has none.
   * A failed read changes nothing (the registry is briefly unreachable during a failover).
   *
   * @return the timer, to cancel when the session ends
   */
  long watch(Vertx vertx, Context context, Runnable revoked) {
    return vertx.setPeriodic(
        RECHECK_MS,
        t ->
            roleNow
                .get()
                .onSuccess(
                    now -> {
                      if (now.isPresent()) role = now.get();
                      else context.runOnContext(v -> revoked.run());
                    }));
  }

  /** The answer to an operation the caller's role does not allow. */
  static SessionException refused(String op) {
    return new SessionException(
        "forbidden",
        "you are a viewer of this repl: you may read files and watch terminals; \""
            + op
            + "\" is not for viewers");
  }
}
