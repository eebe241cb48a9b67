package io.pier.scheduler.auth;

import io.pier.common.auth.ApiKeyEntry;
import io.pier.common.auth.ApiKeyTable;
import io.pier.common.cluster.SharedMap;
import io.pier.common.store.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the API keys kept in storage back into the cluster map {@code pier.apikeys} at a scheduler's start (after a
 * restart of the whole cluster the map starts empty), each with its account's role now; a key whose account no longer
 * exists is deleted instead, and a key revoked while it was being put back stays revoked.
 */
final class ApiKeyRestore {
  private static final Logger LOG = LoggerFactory.getLogger(ApiKeyRestore.class);

  private final Vertx vertx;
  private final ObjectStore store;
  private final SharedMap<ApiKeyEntry> shared;
  private final ApiKeyTable table;
  private final Accounts accounts;
  private final Function<String, Future<Integer>> revokeAllOf;

  /** @param revokeAllOf revokes every key of an account that is gone */
  ApiKeyRestore(
      Vertx vertx,
      ObjectStore store,
      SharedMap<ApiKeyEntry> shared,
      ApiKeyTable table,
      Accounts accounts,
      Function<String, Future<Integer>> revokeAllOf) {
    this.vertx = vertx;
    this.store = store;
    this.shared = shared;
    this.table = table;
    this.accounts = accounts;
    this.revokeAllOf = revokeAllOf;
  }

  /**
   * Puts the stored keys back into the cluster map (after a restart of the whole cluster it starts empty), each with
   * its account's role now; a key whose account no longer exists is deleted instead. Keys already in the map stay as
   * they are.
   *
   * @return how many keys are published
   */
  Future<Integer> restore() {
    return vertx
        .executeBlocking(
            () -> {
              Map<String, List<ApiKeyEntry>> byOwner = new TreeMap<>();
              for (ObjectStore.ObjectInfo object : store.list(ApiKeys.PREFIX)) {
                try {
                  ApiKeyEntry entry =
                      ApiKeyEntry.fromJson(
                          new JsonObject(
                              new String(
                                  store.get(object.key()).orElse(new byte[0]),
                                  StandardCharsets.UTF_8)));
                  if (!object.key().equals(ApiKeys.storageKey(entry)))
                    throw new IllegalArgumentException("stored under another name");
                  byOwner.computeIfAbsent(entry.owner(), o -> new ArrayList<>()).add(entry);
                } catch (RuntimeException unreadable) {
                  LOG.warn("ignoring unreadable {}: {}", object.key(), unreadable.getMessage());
                }
              }
              return byOwner;
            },
            false)
        .compose(
            byOwner -> {
              List<Future<Integer>> owners = new ArrayList<>();
              byOwner.forEach((owner, keys) -> owners.add(restore(owner, keys)));
              return Future.all(owners)
                  .map(
                      all -> {
                        int published = 0;
                        for (int i = 0; i < all.size(); i++) published += all.<Integer>resultAt(i);
                        return published;
                      });
            });
  }

  private Future<Integer> restore(String owner, List<ApiKeyEntry> keys) {
    return accounts
        .lookUp(owner)
        .compose(
            account -> {
              if (account == null) {
                LOG.info(
                    "deleting the {} API keys of '{}', an account that is gone",
                    keys.size(),
                    owner);
                return revokeAllOf.apply(owner).map(0);
              }
              List<Future<Boolean>> published = new ArrayList<>();
              for (ApiKeyEntry key : keys) {
                ApiKeyEntry entry = key.withAdmin(account.admin());
                published.add(
                    shared
                        .putIfAbsent(entry.id(), entry)
                        .compose(
                            fresh -> fresh ? stillStored(entry) : Future.succeededFuture(true)));
              }
              return Future.all(published).map(all -> keys.size());
            });
  }

  /** A key put back while it was being revoked is taken out again, so a restore never revives a revoked key. */
  private Future<Boolean> stillStored(ApiKeyEntry entry) {
    return vertx
        .executeBlocking(() -> store.get(ApiKeys.storageKey(entry)).isPresent(), false)
        .compose(
            stored -> {
              if (stored) {
                table.learn(entry);
                return Future.succeededFuture(true);
              }
              return shared.remove(entry.id()).map(false);
            });
  }
}
