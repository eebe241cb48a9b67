package io.pier.common.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplRecordTest {
  private static final Instant CREATED = Instant.parse("2024-05-01T10:00:00Z");
  private static final Instant ACTIVE = Instant.parse("2024-05-01T11:30:15.123Z");

  private static ReplRecord running() {
    return new ReplRecord(
        "brave-otter-3f9a2c",
        "node",
        "alice",
        ReplState.RUNNING,
        "node-7",
        CREATED,
        ACTIVE,
        new Limits(1.5, 512, 256));
  }

  @Test
  void roundTripsThroughJson() {
    ReplRecord record = running();
    assertEquals(record, ReplRecord.fromJson(new JsonObject(record.toJson().encode())));
  }

  @Test
  void roundTripsWithLabelsAndALifetime() {
    ReplRecord record =
        running()
            .withLabels(Map.of("ci", "run-42"))
            .withLifetime(
                Lifetime.startingAt(ACTIVE, Duration.ofMinutes(10), Lifetime.OnTimeout.DELETE));
    assertEquals(record, ReplRecord.fromJson(new JsonObject(record.toJson().encode())));
    assertEquals(
        record,
        ReplRecord.fromJson(record.toStoredJson()).withState(ReplState.RUNNING, "node-7", ACTIVE));
  }

  @Test
  void collaboratorsRoundTripThroughBothFormsAndKeepThroughOtherChanges() {
    ReplRecord shared =
        running()
            .withCollaborators(Map.of("bob", ReplRole.EDITOR, "carol", ReplRole.VIEWER))
            .withLabels(Map.of("team", "a"))
            .withState(ReplState.STOPPED, null, ACTIVE);
    assertEquals(Map.of("bob", ReplRole.EDITOR, "carol", ReplRole.VIEWER), shared.collaborators());
    assertEquals(shared, ReplRecord.fromJson(new JsonObject(shared.toJson().encode())));
    assertEquals(shared, ReplRecord.fromJson(shared.toStoredJson()));
    assertEquals(
        "[{\"account\":\"bob\",\"role\":\"editor\"},{\"account\":\"carol\",\"role\":\"viewer\"}]",
        shared.toJson().getJsonArray("collaborators").encode());
  }

  @Test
  void aRecordStoredBeforeSharingReadsAsSharedWithNobody() {
    JsonObject old = running().toStoredJson();
    old.remove("collaborators");
    assertEquals(Map.of(), ReplRecord.fromJson(old).collaborators());
  }

  @Test
  void aForkLinkRoundTripsAndKeepsThroughOtherChanges() {
    ReplRecord open =
        running()
            .withForkable(true)
            .withVisibility(Visibility.PRIVATE)
            .withState(ReplState.STOPPED, null, ACTIVE);
    assertTrue(open.forkable());
    assertEquals(open, ReplRecord.fromJson(new JsonObject(open.toJson().encode())));
    assertEquals(open, ReplRecord.fromJson(open.toStoredJson()));
    assertFalse(open.withForkable(false).forkable());
  }

  @Test
  void aRecordStoredBeforeForkLinksIsNotForkable() {
    JsonObject old = running().withForkable(true).toStoredJson();
    old.remove("forkable");
    assertFalse(ReplRecord.fromJson(old).forkable());
  }

  @Test
  void nobodyButItsOwnerIsAnOwner() {
    assertThrows(
        IllegalArgumentException.class,
        () -> running().withCollaborators(Map.of("bob", ReplRole.OWNER)));
  }

  @Test
  void aLifetimeEndsAtTheLaterOfItsDeadlineAndTheLastStartPlusTheTimeout() {
    Lifetime lifetime =
        Lifetime.startingAt(CREATED, Duration.ofMinutes(10), Lifetime.OnTimeout.STOP);
    ReplRecord stopped =
        running().withState(ReplState.STOPPED, null, CREATED).withLifetime(lifetime);
    assertFalse(lifetime.expired(stopped, CREATED.plus(Duration.ofMinutes(9))));
    assertTrue(lifetime.expired(stopped, CREATED.plus(Duration.ofMinutes(10))));
    // Started again long after the deadline: it may run its timeout from that start.
    Instant restart = CREATED.plus(Duration.ofHours(1));
    ReplRecord restarted = stopped.withState(ReplState.RUNNING, "node-7", restart);
    assertFalse(lifetime.expired(restarted, restart.plus(Duration.ofMinutes(9))));
    assertTrue(lifetime.expired(restarted, restart.plus(Duration.ofMinutes(10))));
  }

  @Test
  void aTimeoutOutsideOneSecondToThirtyDaysIsRefused() {
    for (Duration bad : List.of(Duration.ZERO, Duration.ofMillis(999), Duration.ofDays(31))) {
      assertThrows(
          IllegalArgumentException.class,
          () -> Lifetime.startingAt(CREATED, bad, Lifetime.OnTimeout.STOP));
    }
  }

  @Test
  void roundTripsWithNullNodeAndOwner() {
    ReplRecord record =
        new ReplRecord(
            "s", "node", null, ReplState.FAILED, null, CREATED, ACTIVE, new Limits(1, 64, 16));
    assertEquals(record, ReplRecord.fromJson(new JsonObject(record.toJson().encode())));
  }

  @Test
  void jsonUsesWireNamesForState() {
    JsonObject json = running().toJson();
    assertEquals("running", json.getString("state"));
    assertEquals("node-7", json.getString("node"));
    assertEquals(CREATED.toString(), json.getString("createdAt"));
  }

  @Test
  void storedJsonOmitsStateAndNode() {
    JsonObject stored = running().toStoredJson();
    assertFalse(stored.containsKey("state"));
    assertFalse(stored.containsKey("node"));
    assertEquals("brave-otter-3f9a2c", stored.getString("slug"));
    assertEquals("alice", stored.getString("owner"));
  }

  @Test
  void storedFormReadsAsStoppedOnNoNode() {
    ReplRecord read = ReplRecord.fromJson(new JsonObject(running().toStoredJson().encode()));
    assertEquals(ReplState.STOPPED, read.state());
    assertNull(read.nodeId());
    assertEquals(running().withState(ReplState.STOPPED, null, ACTIVE), read);
  }

  @Test
  void toStoredJsonDoesNotChangeTheFullForm() {
    ReplRecord record = running();
    record.toStoredJson();
    assertEquals("running", record.toJson().getString("state"));
  }

  @Test
  void withStateKeepsIdentityAndSetsLastActive() {
    Instant later = ACTIVE.plusSeconds(60);
    ReplRecord stopped = running().withState(ReplState.STOPPED, null, later);
    assertEquals(ReplState.STOPPED, stopped.state());
    assertNull(stopped.nodeId());
    assertEquals(later, stopped.lastActiveAt());
    assertEquals(CREATED, stopped.createdAt());
    assertEquals("brave-otter-3f9a2c", stopped.slug());
  }

  @Test
  void rejectsUnknownState() {
    JsonObject json = running().toJson().put("state", "sleeping");
    assertThrows(IllegalArgumentException.class, () -> ReplRecord.fromJson(json));
  }

  @Test
  void stateWireNamesRoundTrip() {
    for (ReplState s : ReplState.values()) assertEquals(s, ReplState.fromWire(s.wire()));
  }

  @Test
  void visibilityRoundTripsAndIsStored() {
    ReplRecord hidden = running().withVisibility(Visibility.PRIVATE);
    assertEquals("private", hidden.toJson().getString("visibility"));
    assertEquals(hidden, ReplRecord.fromJson(new JsonObject(hidden.toJson().encode())));
    ReplRecord stored = ReplRecord.fromJson(new JsonObject(hidden.toStoredJson().encode()));
    assertEquals(
        Visibility.PRIVATE,
        stored.visibility(),
        "a registry rebuilt from repl.json keeps it private");
    assertEquals(Visibility.PRIVATE, stored.withState(ReplState.RUNNING, "n", ACTIVE).visibility());
  }

  @Test
  void aRecordStoredBeforeVisibilityExistedReadsAsPublic() {
    JsonObject old = running().toStoredJson();
    old.remove("visibility");
    assertEquals(Visibility.PUBLIC, ReplRecord.fromJson(old).visibility());
    assertEquals("public", running().toJson().getString("visibility"));
  }

  @Test
  void rejectsUnknownVisibility() {
    JsonObject json = running().toJson().put("visibility", "secret");
    assertThrows(IllegalArgumentException.class, () -> ReplRecord.fromJson(json));
  }
}
