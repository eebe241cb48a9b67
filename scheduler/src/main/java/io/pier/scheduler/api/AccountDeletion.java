package io.pier.scheduler.api;

import io.pier.common.http.ApiException;
import io.pier.common.repl.ReplAccess;
import io.pier.common.repl.ReplRecord;
import io.pier.scheduler.ReplService;
import io.vertx.core.Future;
import java.util.List;

/**
 * What deleting an account does to repls: deletes the ones it owns and takes it off the ones shared with it. Its name
 * is free to sign up again once it is deleted, and whoever takes it must not inherit what was shared with the old
 * account.
 */
public final class AccountDeletion {
  private final ReplService repls;

  public AccountDeletion(ReplService repls) {
    this.repls = repls;
  }

  /**
   * Deletes every repl of {@code owner} one after another (each stopped first), then takes the account off every repl
   * shared with it. Done before the account's record goes, so a failure keeps the account to try again with. How many
   * repls were deleted.
   */
  public Future<Integer> deleteReplsOf(String owner) {
    return repls
        .list()
        .compose(
            all -> {
              List<String> owned =
                  all.stream().filter(r -> owner.equals(r.owner())).map(ReplRecord::slug).toList();
              List<String> shared =
                  all.stream()
                      .filter(r -> ReplAccess.isCollaborator(owner, r))
                      .map(ReplRecord::slug)
                      .toList();
              Future<Void> done = Future.succeededFuture();
              for (String slug : owned) done = done.compose(v -> repls.delete(slug));
              for (String slug : shared) done = done.compose(v -> unshare(slug, owner));
              return done.map(owned.size());
            });
  }

  /** Takes {@code account} off the repl; already off it, or the repl gone meanwhile, is as good. */
  private Future<Void> unshare(String slug, String account) {
    return repls
        .setCollaborator(slug, account, null)
        .<Void>mapEmpty()
        .recover(
            err ->
                err instanceof ApiException e && e.status() == 404
                    ? Future.succeededFuture()
                    : Future.failedFuture(err));
  }
}
