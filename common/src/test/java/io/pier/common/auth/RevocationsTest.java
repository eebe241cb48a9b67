package io.pier.common.auth;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.cluster.InMemoryStringMap;
import io.pier.common.cluster.SharedMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Revocations shared by several services: one cluster map and one event bus (a single Vert.x here; in production
 * Hazelcast's map and the clustered event bus).
 */
class RevocationsTest {
  private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");
  private final TokenSignerTest.MutableClock clock = new TokenSignerTest.MutableClock(NOW);
  private final Vertx vertx = Vertx.vertx();
  private final SharedMap<JsonObject> map =
      new SharedMap<>(new InMemoryStringMap(clock), j -> j, j -> j);

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

  @Test
  void aSignOutOnOneServiceIsHonouredByTheOthersAtOnce() throws Exception {
    Revocations scheduler = Revocations.following(vertx, map, clock);
    Revocations edge = Revocations.following(vertx, map, clock);
    TokenSigner edgeSigner = new TokenSigner("a-secret-of-enough-length", clock, edge);
    String token =
        new TokenSigner("a-secret-of-enough-length", clock)
            .issue("ada", false, Duration.ofHours(1));
    assertTrue(edgeSigner.verify(token).isPresent());
    clock.advance(Duration.ofMillis(1));
    await(scheduler.revoke("ada", Duration.ofHours(2)));
    // The event bus, well before the next refresh of the map (5 s).
    eventually(() -> edgeSigner.verify(token).isEmpty(), "the edge still accepts a revoked token");
    assertEquals(NOW.plusMillis(1).toEpochMilli(), await(map.get("ada")).getLong("after"));
  }

  @Test
  void aServiceStartedLaterReadsTheRevocationsFromTheMap() throws Exception {
    String token =
        new TokenSigner("a-secret-of-enough-length", clock)
            .issue("ada", false, Duration.ofHours(1));
    clock.advance(Duration.ofMillis(1));
    await(Revocations.following(vertx, map, clock).revoke("ada", Duration.ofHours(2)));
    Revocations late = Revocations.following(vertx, map, clock);
    TokenSigner lateSigner = new TokenSigner("a-secret-of-enough-length", clock, late);
    eventually(
        () -> lateSigner.verify(token).isEmpty(),
        "a member that joined later accepts a revoked token");
  }

  @Test
  void anEntryGoesOnceItsTokensHaveExpiredSoMemoryStaysBounded() throws Exception {
    Revocations one = Revocations.following(vertx, map, clock);
    await(one.revoke("ada", Duration.ofHours(2)));
    assertEquals(1, one.size());
    // The bus delivers in order: once a later message is learnt, the revocation's own echo has come
    // back too.
    vertx
        .eventBus()
        .publish(Revocations.ADDRESS, new JsonObject().put("subject", "zed").put("after", 1L));
    eventually(() -> one.size() == 2, "the bus delivered the member's own messages");
    clock.advance(Duration.ofHours(3));
    await(one.refresh());
    assertEquals(0, one.size(), "the map's entry expired, and so does the copy");
    assertTrue(await(map.entries()).isEmpty());
  }

  @Test
  void aRepeatedRevocationDoesNotKeepAnExpiredEntryAlive() throws Exception {
    Revocations one = Revocations.following(vertx, map, clock);
    await(one.revoke("ada", Duration.ofHours(2)));
    clock.advance(Duration.ofHours(3));
    one.learn("ada", NOW.toEpochMilli()); // the revocation's own echo, delivered late
    await(one.refresh());
    assertEquals(0, one.size(), "an echo of what is held brings nothing new");
  }

  @Test
  void aRevocationRestoredFromStorageHoldsAndAnEarlierOneDoesNotUndoALaterOne() throws Exception {
    Revocations one = Revocations.following(vertx, map, clock);
    clock.advance(Duration.ofMinutes(1));
    await(one.revoke("ada", Duration.ofHours(2)));
    await(one.restore("ada", NOW, Duration.ofHours(1)));
    assertFalse(one.allows("ada", NOW.plusSeconds(30)), "the later revocation still holds");
    await(one.restore("bob", NOW, Duration.ofHours(1)));
    assertFalse(one.allows("bob", NOW));
    assertTrue(one.allows("bob", NOW.plusMillis(1)));
    assertEquals(NOW.toEpochMilli(), await(map.get("bob")).getLong("after"));
  }

  @Test
  void aMalformedMessageOnTheBusIsIgnored() throws Exception {
    Revocations one = Revocations.following(vertx, map, clock);
    vertx.eventBus().publish(Revocations.ADDRESS, new JsonObject().put("subject", 5));
    vertx
        .eventBus()
        .publish(Revocations.ADDRESS, new JsonObject().put("subject", "ada").put("after", "soon"));
    vertx
        .eventBus()
        .publish(Revocations.ADDRESS, new JsonObject().put("subject", "bob").put("after", 1L));
    eventually(
        () -> !one.allows("bob", Instant.EPOCH), "the well-formed message after them arrives");
    assertEquals(1, one.size(), "only the well-formed message counts");
  }
}
