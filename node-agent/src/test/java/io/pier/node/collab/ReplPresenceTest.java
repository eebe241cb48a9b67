package io.pier.node.collab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A repl's presence on a real Vert.x context, with many sessions. */
class ReplPresenceTest {
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final ReplPresence presence = new ReplPresence(vertx);

  @AfterEach
  void close() {
    vertx.close();
  }

  @Test
  void anEventListsAtMostThirtyTwoSessionsThoseShowingAFileFirstAndCountsEveryone()
      throws Exception {
    List<RecordingPeer> peers = peers(100);
    JsonObject event =
        on(
            () -> {
              peers.forEach(presence::join);
              presence.show(peers.get(70), "src/a.js", null);
              presence.show(peers.get(90), "src/b.js", null);
              return presence.event();
            });
    JsonArray users = event.getJsonArray("users");
    assertEquals(ReplPresence.MAX_LISTED, users.size());
    assertEquals(100, event.getInteger("count"));
    assertEquals("s70", users.getJsonObject(0).getString("session"));
    assertEquals("src/a.js", users.getJsonObject(0).getString("path"));
    assertEquals("s90", users.getJsonObject(1).getString("session"));
    assertEquals("s0", users.getJsonObject(2).getString("session"));
  }

  @Test
  void aFewSessionsAreAllListed() throws Exception {
    List<RecordingPeer> peers = peers(3);
    JsonObject event =
        on(
            () -> {
              peers.forEach(presence::join);
              presence.leave(peers.get(1));
              return presence.event();
            });
    assertEquals(2, event.getInteger("count"));
    assertEquals(
        List.of("s0", "s2"),
        event.getJsonArray("users").stream()
            .map(u -> ((JsonObject) u).getString("session"))
            .toList());
  }

  @Test
  void everySessionGetsTheSameEncodedEventOfABurstOfJoins() throws Exception {
    List<RecordingPeer> peers = peers(200);
    on(
        () -> {
          peers.forEach(presence::join);
          return null;
        });
    // The first join is sent at once (to the one session there); the other 199 together after the
    // gap.
    RecordingPeer last = peers.get(199);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (last.sent.isEmpty() && System.nanoTime() < deadline) Thread.sleep(5);
    CollabEvent shared = last.sent.get(0);
    assertEquals(200, shared.json().getInteger("count"));
    for (RecordingPeer p : peers.subList(1, 200)) {
      assertEquals(1, p.sent.size(), "events to " + p.id);
      assertSame(shared, p.sent.get(0), "one event object for all, encoded once");
    }
    assertEquals(2, peers.get(0).sent.size());
  }

  @Test
  void theGapBetweenEventsGrowsWithTheSessionsTheyGoTo() {
    assertEquals(ReplPresence.MIN_GAP_MS, ReplPresence.gapMs(0));
    assertEquals(ReplPresence.MIN_GAP_MS, ReplPresence.gapMs(ReplPresence.SESSIONS_PER_GAP));
    assertEquals(
        2 * ReplPresence.MIN_GAP_MS, ReplPresence.gapMs(ReplPresence.SESSIONS_PER_GAP + 1));
    // 10,000 sessions of one repl: one event every ~31 s, each listing 32 sessions.
    assertTrue(ReplPresence.gapMs(10_000) >= 30_000);
  }

  private static List<RecordingPeer> peers(int n) {
    List<RecordingPeer> peers = new ArrayList<>();
    for (int i = 0; i < n; i++) peers.add(new RecordingPeer("s" + i));
    return peers;
  }

  private <T> T on(Callable<T> work) throws Exception {
    return OnContext.call(context, work);
  }
}
