package io.pier.common.auth;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.cluster.InMemoryStringMap;
import io.pier.common.cluster.SharedMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The table every service checks API keys against, fed by the cluster map's events (an in-memory map here). */
class ApiKeyTableTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
  private final TokenSignerTest.MutableClock clock = new TokenSignerTest.MutableClock(NOW);
  private final Vertx vertx = Vertx.vertx();
  private final SharedMap<ApiKeyEntry> map =
      new SharedMap<>(new InMemoryStringMap(clock), ApiKeyEntry::toJson, ApiKeyEntry::fromJson);
  private final SecureRandom random = new SecureRandom();

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(5, SECONDS);
  }

  private static void eventually(BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError(what);
      Thread.sleep(10);
    }
  }

  /** A new key of {@code owner}: its text, and its entry as a scheduler publishes it. */
  private record Key(String text, ApiKeyEntry entry) {}

  private Key key(String owner, boolean admin, Instant expiresAt) {
    ApiKeyText.Minted minted = ApiKeyText.mint(random);
    return new Key(
        minted.text(),
        new ApiKeyEntry(
            minted.id(), owner, "ci", minted.secretHash(), admin, NOW, expiresAt, null));
  }

  @Test
  void aKnownKeyNamesItsAccountWithTheRoleItsEntryCarries() {
    ApiKeyTable table = ApiKeyTable.local(clock);
    Key ada = key("ada", false, null);
    Key root = key("root", true, null);
    table.learn(ada.entry());
    table.learn(root.entry());
    AuthToken caller = table.verify(ada.text()).orElseThrow();
    assertEquals("ada", caller.subject());
    assertFalse(caller.admin());
    assertFalse(caller.isService());
    assertEquals(ada.entry().id(), caller.apiKeyId());
    assertTrue(table.verify(root.text()).orElseThrow().admin());
    assertEquals(List.of(ada.entry()), table.ofOwner("ada"));
  }

  @Test
  void aWrongSecretAnUnknownIdOrGarbageIsRefused() {
    ApiKeyTable table = ApiKeyTable.local(clock);
    Key ada = key("ada", false, null);
    table.learn(ada.entry());
    String otherSecret = ApiKeyText.parse(ApiKeyText.mint(random).text()).orElseThrow().secret();
    assertTrue(table.verify("pier_" + ada.entry().id() + "_" + otherSecret).isEmpty());
    assertTrue(table.verify(key("ada", false, null).text()).isEmpty(), "never published");
    assertTrue(table.verify("pier_nonsense").isEmpty());
    assertTrue(table.verify(null).isEmpty());
  }

  @Test
  void aRevokedKeyIsRefused() {
    ApiKeyTable table = ApiKeyTable.local(clock);
    Key ada = key("ada", false, null);
    table.learn(ada.entry());
    table.forget(ada.entry().id());
    assertTrue(table.verify(ada.text()).isEmpty());
    assertTrue(table.ofOwner("ada").isEmpty());
    assertEquals(0, table.size());
  }

  @Test
  void anExpiredKeyIsRefusedFromItsExpiryOn() {
    ApiKeyTable table = ApiKeyTable.local(clock);
    Key ada = key("ada", false, NOW.plus(Duration.ofDays(1)));
    table.learn(ada.entry());
    assertEquals(NOW.plus(Duration.ofDays(1)), table.verify(ada.text()).orElseThrow().expiresAt());
    clock.advance(Duration.ofDays(1).minusMillis(1));
    assertTrue(table.verify(ada.text()).isPresent());
    clock.advance(Duration.ofMillis(1));
    assertTrue(table.verify(ada.text()).isEmpty());
  }

  @Test
  void everyServiceFollowsKeysAddedChangedAndRemovedInTheClusterMap() throws Exception {
    Key ada = key("ada", false, null);
    await(map.put(ada.entry().id(), ada.entry()));
    ApiKeyTable scheduler = ApiKeyTable.following(vertx, map, clock);
    ApiKeyTable edge = ApiKeyTable.following(vertx, map, clock);
    eventually(() -> edge.verify(ada.text()).isPresent(), "a key published before the start");

    Key later = key("ada", false, null);
    await(map.put(later.entry().id(), later.entry()));
    assertTrue(edge.verify(later.text()).isPresent(), "a key published after it, by its event");

    await(map.put(ada.entry().id(), ada.entry().withAdmin(true)));
    assertTrue(edge.verify(ada.text()).orElseThrow().admin(), "a role change");

    await(map.remove(ada.entry().id()));
    assertTrue(edge.verify(ada.text()).isEmpty(), "a revocation");
    assertTrue(scheduler.verify(ada.text()).isEmpty());
    assertTrue(edge.verify(later.text()).isPresent());
  }

  @Test
  void aFullReadBegunBeforeARevocationDoesNotBringTheKeyBack() throws Exception {
    Key ada = key("ada", false, null);
    ApiKeyTable table = ApiKeyTable.following(vertx, map, clock);
    await(map.put(ada.entry().id(), ada.entry()));
    long since = table.changeCount();
    Map<String, ApiKeyEntry> staleRead = new TreeMap<>(await(map.entries()));
    await(map.remove(ada.entry().id()));
    table.apply(staleRead, since);
    assertTrue(table.verify(ada.text()).isEmpty());
  }

  @Test
  void aFullReadRepairsATableThatMissedEvents() throws Exception {
    ApiKeyTable table = ApiKeyTable.local(clock);
    Key gone = key("ada", false, null);
    table.learn(gone.entry());
    Key missed = key("ada", false, null);
    await(map.put(missed.entry().id(), missed.entry()));
    await(table.resync(map));
    assertTrue(table.verify(missed.text()).isPresent());
    assertTrue(table.verify(gone.text()).isEmpty());
  }

  @Test
  void aUseIsRecordedInTheMapAtMostOnceAMinute() throws Exception {
    Key ada = key("ada", false, null);
    await(map.put(ada.entry().id(), ada.entry()));
    ApiKeyTable table = ApiKeyTable.following(vertx, map, clock);
    eventually(() -> table.verify(ada.text()).isPresent(), "the key");
    for (int i = 0; i < 100; i++) table.verify(ada.text());
    eventually(
        () -> NOW.equals(table.get(ada.entry().id()).orElseThrow().lastUsedAt()), "a first use");
    clock.advance(Duration.ofSeconds(59));
    for (int i = 0; i < 100; i++) table.verify(ada.text());
    assertEquals(NOW, await(map.get(ada.entry().id())).lastUsedAt(), "not again within a minute");
    clock.advance(Duration.ofSeconds(1));
    table.verify(ada.text());
    Instant minuteLater = NOW.plus(Duration.ofMinutes(1));
    eventually(
        () -> minuteLater.equals(table.get(ada.entry().id()).orElseThrow().lastUsedAt()),
        "a use a minute later");
  }

  @Test
  void recordingAUseNeverBringsBackARevokedKey() throws Exception {
    Key ada = key("ada", false, null);
    await(map.put(ada.entry().id(), ada.entry()));
    ApiKeyUses uses = new ApiKeyUses(map);
    await(map.remove(ada.entry().id()));
    uses.used(ada.entry(), NOW.plus(Duration.ofHours(1)));
    // The write is a compare-and-set on the map, done in memory here: it saw no entry.
    assertNull(await(map.get(ada.entry().id())));
  }

  @Test
  void theSignerAcceptsAKeyWhereverItAcceptsATokenButNotAsAPreviewToken() {
    ApiKeyTable table = ApiKeyTable.local(clock);
    TokenSigner signer =
        new TokenSigner("a-secret-of-enough-length", clock, Revocations.local(clock), table);
    Key ada = key("ada", false, null);
    assertTrue(signer.verify(ada.text()).isEmpty(), "before it is published");
    table.learn(ada.entry());
    assertEquals("ada", signer.verify(ada.text()).orElseThrow().subject());
    assertTrue(signer.verifyPreview(ada.text(), "brave-otter").isEmpty());
    signer.revocations().revoke("ada", Duration.ofHours(1));
    assertTrue(signer.verify(ada.text()).isPresent(), "a sign-out leaves keys alone");
    table.forget(ada.entry().id());
    assertTrue(signer.verify(ada.text()).isEmpty());
    assertTrue(
        new TokenSigner("a-secret-of-enough-length", clock).verify(ada.text()).isEmpty(),
        "a signer without keys refuses every key");
  }
}
