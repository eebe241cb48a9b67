package io.pier.scheduler.auth;

import static io.pier.scheduler.ReplServiceFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.auth.Revocations;
import io.pier.common.cluster.InMemoryStringMap;
import io.pier.common.cluster.SharedMap;
import io.pier.common.store.InMemoryObjectStore;
import io.pier.scheduler.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A sign-out survives a restart of the whole cluster: the bucket's copy goes back into the (empty) map. */
class StoredRevocationsTest {
  private final MutableClock clock = new MutableClock();
  private final Vertx vertx = Vertx.vertx();
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  private Revocations freshCluster() {
    return Revocations.following(
        vertx, new SharedMap<JsonObject>(new InMemoryStringMap(clock), j -> j, j -> j), clock);
  }

  @Test
  void aSignOutHoldsAfterTheClusterRestartsAndOldCopiesAreDeleted() throws Exception {
    Instant before = clock.instant();
    clock.advance(Duration.ofMillis(1));
    Revocations first = freshCluster();
    await(new StoredRevocations(vertx, store, first, Duration.ofHours(13), clock).revoke("bob"));
    assertTrue(store.get(StoredRevocations.PREFIX + "bob.json").isPresent());

    Revocations afterRestart = freshCluster();
    assertTrue(afterRestart.allows("bob", before), "an empty map knows nothing");
    assertEquals(
        1,
        await(
            new StoredRevocations(vertx, store, afterRestart, Duration.ofHours(13), clock)
                .restore()));
    assertFalse(afterRestart.allows("bob", before), "bob's earlier token is refused again");

    store.put(StoredRevocations.PREFIX + "carol.json", "not json".getBytes(StandardCharsets.UTF_8));
    clock.advance(Duration.ofHours(14));
    assertEquals(
        0,
        await(
            new StoredRevocations(vertx, store, freshCluster(), Duration.ofHours(13), clock)
                .restore()));
    assertFalse(
        store.get(StoredRevocations.PREFIX + "bob.json").isPresent(),
        "expired: nothing left to refuse");
  }
}
