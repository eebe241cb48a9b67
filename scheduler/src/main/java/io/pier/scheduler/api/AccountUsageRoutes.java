package io.pier.scheduler.api;

import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.scheduler.ReplService;
import io.pier.scheduler.auth.Account;
import io.pier.scheduler.auth.AccountList;
import io.pier.scheduler.auth.AuthApi;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code GET /api/accounts}, for administrators: every account with its role and what it uses (its repls, and how many
 * of them run or are starting, which is what the caps per account count).
 */
public final class AccountUsageRoutes {
  private final AccountList accounts;
  private final ReplService repls;

  public AccountUsageRoutes(AccountList accounts, ReplService repls) {
    this.accounts = accounts;
    this.repls = repls;
  }

  void mount(Router router) {
    router
        .get("/api/accounts")
        .handler(
            ctx -> {
              AuthApi.requireAdmin(ctx.get(AuthApi.CALLER));
              OwnedRepls.respond(
                  ctx,
                  accounts
                      .all()
                      .compose(
                          all ->
                              repls
                                  .list()
                                  .map(records -> view(all, records, accounts::listedAdmin))));
            });
  }

  /** The accounts with their usage; {@code listed} tells the names {@code PIER_ADMINS} lists. */
  static JsonObject view(List<Account> all, List<ReplRecord> records, Predicate<String> listed) {
    Map<String, int[]> usage = new HashMap<>();
    for (ReplRecord r : records) {
      if (r.owner() == null) continue;
      int[] counts = usage.computeIfAbsent(r.owner(), o -> new int[2]);
      counts[0]++;
      if (r.state() == ReplState.RUNNING || r.state() == ReplState.STARTING) counts[1]++;
    }
    JsonArray list = new JsonArray();
    for (Account account : all) {
      int[] counts = usage.getOrDefault(account.username(), new int[2]);
      list.add(
          new JsonObject()
              .put("username", account.username())
              .put("admin", account.admin())
              .put("listedInPierAdmins", listed.test(account.username()))
              .put("createdAt", account.createdAt())
              .put("repls", counts[0])
              .put("running", counts[1]));
    }
    return new JsonObject().put("accounts", list);
  }
}
