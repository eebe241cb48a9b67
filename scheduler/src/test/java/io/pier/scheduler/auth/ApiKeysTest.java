package io.pier.scheduler.auth;

import static io.pier.scheduler.ReplServiceFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.auth.ApiKeyEntry;
import io.pier.common.auth.ApiKeyTable;
import io.pier.common.auth.AuthToken;
import io.pier.common.cluster.InMemoryStringMap;
import io.pier.common.cluster.SharedMap;
import io.pier.common.store.InMemoryObjectStore;
import io.pier.scheduler.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Keys outlive a restart of the whole cluster (storage holds them; the cluster map starts empty), take their account's
 * role as it is then, and go with their account.
 */
class ApiKeysTest {
  private final MutableClock clock = new MutableClock();
  private final Vertx vertx = Vertx.vertx();
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  /** A scheduler's key service over a cluster of its own, as after a restart of the whole cluster. */
  private final class Cluster {
    final SharedMap<ApiKeyEntry> map =
        new SharedMap<>(new InMemoryStringMap(clock), ApiKeyEntry::toJson, ApiKeyEntry::fromJson);
    final ApiKeyTable table = ApiKeyTable.following(vertx, map, clock);
    final Accounts accounts;
    final ApiKeys keys;

    Cluster(Set<String> admins) {
      accounts =
          new Accounts(
              vertx,
              store,
              new SharedMap<JsonObject>(new InMemoryStringMap(clock), j -> j, j -> j),
              admins,
              true,
              clock);
      keys = new ApiKeys(vertx, store, map, table, accounts, clock, new SecureRandom());
    }
  }

  private static AuthToken user(String name) {
    return new AuthToken(name, false, Instant.MAX, Instant.EPOCH);
  }

  @Test
  void storedKeysAreRepublishedAfterTheWholeClusterRestarts() throws Exception {
    Cluster first = new Cluster(Set.of());
    await(first.accounts.signUp("ada", "a long password"));
    ApiKeys.Created made = await(first.keys.create(user("ada"), "ci", 30));
    assertTrue(first.table.verify(made.key()).isPresent());

    Cluster restarted = new Cluster(Set.of());
    assertTrue(restarted.table.verify(made.key()).isEmpty(), "an empty map knows nothing");
    assertEquals(1, await(restarted.keys.restore()));
    AuthToken caller = restarted.table.verify(made.key()).orElseThrow();
    assertEquals("ada", caller.subject());
    assertEquals(made.entry().expiresAt(), caller.expiresAt());
    assertEquals(
        made.entry().withLastUsedAt(clock.instant()),
        await(restarted.map.get(made.entry().id())),
        "as made, with the use just now");
  }

  @Test
  void aRestoredKeyTakesItsAccountsRoleAsItIsThen() throws Exception {
    Cluster first = new Cluster(Set.of());
    await(first.accounts.signUp("ada", "a long password"));
    ApiKeys.Created made = await(first.keys.create(user("ada"), "ci", null));
    Cluster restarted = new Cluster(Set.of("ada"));
    await(restarted.keys.restore());
    assertTrue(
        restarted.table.verify(made.key()).orElseThrow().admin(), "PIER_ADMINS lists ada now");
  }

  @Test
  void theKeysOfAnAccountThatIsGoneAreDeletedNotRestored() throws Exception {
    Cluster first = new Cluster(Set.of());
    ApiKeys.Created orphan = await(first.keys.create(user("gone"), "ci", null));
    Cluster restarted = new Cluster(Set.of());
    assertEquals(0, await(restarted.keys.restore()));
    assertTrue(restarted.table.verify(orphan.key()).isEmpty());
    assertTrue(store.list(ApiKeys.PREFIX).isEmpty());
  }

  @Test
  void revokingAllKeysOfAnAccountStopsEveryOneOfThemEverywhere() throws Exception {
    Cluster cluster = new Cluster(Set.of());
    ApiKeyTable elsewhere = ApiKeyTable.following(vertx, cluster.map, clock);
    ApiKeys.Created a = await(cluster.keys.create(user("ada"), "a", null));
    ApiKeys.Created b = await(cluster.keys.create(user("ada"), "b", null));
    ApiKeys.Created other = await(cluster.keys.create(user("bob"), "b", null));
    assertTrue(elsewhere.verify(a.key()).isPresent());
    assertEquals(2, await(cluster.keys.revokeAllOf("ada")));
    assertTrue(elsewhere.verify(a.key()).isEmpty());
    assertTrue(elsewhere.verify(b.key()).isEmpty());
    assertTrue(cluster.table.verify(b.key()).isEmpty());
    assertNull(await(cluster.map.get(a.entry().id())));
    assertTrue(elsewhere.verify(other.key()).isPresent());
    assertEquals(1, store.list(ApiKeys.PREFIX).size());
  }

  @Test
  void aKeyNeverHoldsItsSecretInStorageOrTheMap() throws Exception {
    Cluster cluster = new Cluster(Set.of());
    ApiKeys.Created made = await(cluster.keys.create(user("ada"), "ci", null));
    // The secret is base64url, which may hold '_' itself: it starts after "pier_<id>_".
    String secret = made.key().substring(("pier_" + made.entry().id() + "_").length());
    for (var object : store.list(ApiKeys.PREFIX)) {
      String text = new String(store.get(object.key()).orElseThrow());
      assertFalse(text.contains(secret), text);
      assertFalse(new JsonObject(text).containsKey("admin"), "the role is the account's");
    }
    assertFalse(await(cluster.map.get(made.entry().id())).toJson().encode().contains(secret));
  }
}
