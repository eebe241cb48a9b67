package io.pier.scheduler.auth;

import io.pier.common.cluster.SharedMap;
import io.pier.common.http.ApiException;
import io.pier.common.store.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Where accounts are kept: storage ({@code accounts/<username>.json}, so they survive a restart of the whole cluster)
 * and the cluster's map of them (a cache of storage, and what makes two sign-ups of one name race safely). Storage
 * calls block, so they run on worker threads.
 */
final class AccountRecords {
  private final Vertx vertx;
  private final ObjectStore store;
  private final SharedMap<JsonObject> cache;

  AccountRecords(Vertx vertx, ObjectStore store, SharedMap<JsonObject> cache) {
    this.vertx = vertx;
    this.store = store;
    this.cache = cache;
  }

  static String key(String username) {
    return "accounts/" + username + ".json";
  }

  /** The stored account, or null when there is none. */
  Future<Account> find(String username) {
    return cache
        .get(username)
        .compose(
            cached -> {
              if (cached != null) return Future.succeededFuture(Account.fromJson(cached));
              return vertx
                  .executeBlocking(
                      () ->
                          store
                              .get(key(username))
                              .map(
                                  bytes ->
                                      Account.fromJson(
                                          new JsonObject(
                                              new String(bytes, StandardCharsets.UTF_8))))
                              .orElse(null),
                      false)
                  .compose(
                      stored ->
                          stored == null
                              ? Future.succeededFuture(null)
                              : cache.putIfAbsent(username, stored.toJson()).map(stored));
            });
  }

  /**
   * Stores a new account. @throws ApiException (via the future) {@code 409 username_taken} when the name is in
   * storage already or another sign-up took it first
   */
  Future<Account> create(Account account) {
    ApiException taken = new ApiException(409, "username_taken", "that name is taken");
    return vertx
        .executeBlocking(() -> store.get(key(account.username())).isPresent(), false)
        .compose(
            stored ->
                stored
                    ? Future.succeededFuture(false)
                    : cache.putIfAbsent(account.username(), account.toJson()))
        .compose(fresh -> fresh ? write(account) : Future.failedFuture(taken));
  }

  /** Stores a changed account, in storage and then in the cluster's map. */
  Future<Account> save(Account account) {
    return write(account)
        .compose(stored -> cache.put(stored.username(), stored.toJson()).map(stored));
  }

  /** Deletes an account's record from storage and the cluster's map; its name is free again afterwards. */
  Future<Void> delete(String username) {
    return vertx
        .executeBlocking(
            () -> {
              store.delete(key(username));
              return null;
            },
            false)
        .compose(v -> cache.remove(username))
        .mapEmpty();
  }

  private Future<Account> write(Account account) {
    return vertx.executeBlocking(
        () -> {
          store.put(
              key(account.username()), account.toJson().encode().getBytes(StandardCharsets.UTF_8));
          return account;
        },
        false);
  }
}
