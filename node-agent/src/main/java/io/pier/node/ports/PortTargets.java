package io.pier.node.ports;

import io.pier.common.cluster.SharedMap;
import io.pier.common.repl.ReplRecord;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;

/**
 * Where a request for a sandbox's port may go: the repl must be known and run here, the caller be allowed
 * ({@link PortAccess}), its sandbox have an address ({@link Sandboxes}). Policy only; {@link PortProxy} connects.
 */
final class PortTargets {
  private final SharedMap<ReplRecord> repls;
  private final Sandboxes sandboxes;
  private final PortAccess access;

  PortTargets(SharedMap<ReplRecord> repls, Sandboxes sandboxes, PortAccess access) {
    this.repls = repls;
    this.sandboxes = sandboxes;
    this.access = access;
  }

  /** The target of a request with {@code headers} for {@code path}, or its answer. Never fails. */
  Future<PortTarget> resolve(PortPath path, MultiMap headers) {
    return repls
        .get(path.slug())
        .transform(
            found -> {
              if (found.failed()) {
                return Future.succeededFuture(
                    PortTarget.refused(503, "registry_unavailable", "try again shortly"));
              }
              ReplRecord repl = found.result();
              if (repl == null)
                return Future.succeededFuture(PortTarget.sandboxNotFound(path.slug()));
              PortAccess.Verdict verdict = access.check(repl, headers);
              if (verdict == PortAccess.Verdict.UNAUTHENTICATED) {
                return Future.succeededFuture(
                    PortTarget.refused(
                        401,
                        "unauthenticated",
                        "the ports of "
                            + path.slug()
                            + " are private: send its traffic access token as "
                            + PortAccess.TRAFFIC_HEADER
                            + ", or its owner's token as Authorization: Bearer"));
              }
              if (verdict == PortAccess.Verdict.FORBIDDEN) {
                return Future.succeededFuture(
                    PortTarget.refused(
                        403, "forbidden", "the ports of " + path.slug() + " are private"));
              }
              return sandboxes
                  .of(path.slug())
                  .map(
                      address ->
                          address.isPresent()
                              ? PortTarget.to(address.get(), path)
                              : PortTarget.sandboxNotFound(path.slug()))
                  .recover(
                      err ->
                          Future.succeededFuture(
                              PortTarget.refused(
                                  503,
                                  "sandbox_unavailable",
                                  "the sandbox's address could not be read; try again shortly")));
            });
  }
}
