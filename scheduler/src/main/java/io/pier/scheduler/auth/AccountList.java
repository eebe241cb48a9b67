package io.pier.scheduler.auth;

import io.pier.common.store.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every account there is, for the administrators' page: the names are the keys of {@code accounts/} in storage (which
 * outlives the cluster's cache), each read as {@link Accounts#lookUp} reads it, with its administrator flag in effect.
 */
public final class AccountList {
  private static final Pattern KEY = Pattern.compile("accounts/([a-z0-9_-]{3,32})\\.json");

  private final Vertx vertx;
  private final ObjectStore store;
  private final Accounts accounts;

  public AccountList(Vertx vertx, ObjectStore store, Accounts accounts) {
    this.vertx = vertx;
    this.store = store;
    this.accounts = accounts;
  }

  /** The accounts by name; one that vanished while they were read is left out. */
  public Future<List<Account>> all() {
    return vertx
        .executeBlocking(() -> usernames(store.list("accounts/")), false)
        .compose(
            names -> {
              List<Future<Account>> reads = new ArrayList<>();
              for (String name : names) reads.add(accounts.lookUp(name));
              return Future.all(reads)
                  .map(
                      done ->
                          reads.stream()
                              .map(Future::result)
                              .filter(Objects::nonNull)
                              .sorted(Comparator.comparing(Account::username))
                              .toList());
            });
  }

  /** True when {@code PIER_ADMINS} lists the name: taking its flag away does not take effect. */
  public boolean listedAdmin(String username) {
    return accounts.listedAdmin(username);
  }

  private static List<String> usernames(List<ObjectStore.ObjectInfo> keys) {
    List<String> names = new ArrayList<>();
    for (ObjectStore.ObjectInfo info : keys) {
      Matcher m = KEY.matcher(info.key());
      if (m.matches()) names.add(m.group(1));
    }
    return names;
  }
}
