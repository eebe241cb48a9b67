package io.pier.scheduler;

import static io.pier.scheduler.ReplServiceFixture.await;
import static io.pier.scheduler.ReplServiceFixture.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.cluster.ClusterState;
import io.pier.common.http.ApiException;
import io.pier.common.node.NodeInfo;
import io.pier.common.repl.Lifetime;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet behaviours of the scheduler over fakes: reservations, drain, node loss, idle stop, the scale signal. */
class FleetTest {
  private ReplServiceFixture f;
  private FleetKeeper keeper;

  @BeforeEach
  void setUp() {
    f = new ReplServiceFixture();
    keeper =
        new FleetKeeper(
            f.vertx,
            f.cluster,
            f.service,
            f.room,
            new FleetKeeper.Settings(
                Duration.ofHours(1),
                Duration.ofMinutes(10),
                0.7,
                null,
                Duration.ofMinutes(10),
                ReplServiceFixture.STALE_AFTER),
            f.clock,
            new SimpleMeterRegistry());
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  @Test
  void concurrentStartsNeverOverCommitANodeBetweenHeartbeats() throws Exception {
    await(
        f.cluster
            .nodes()
            .put("small", FakeNodes.node("small", f.clock.instant()).slots(1).build()));
    ReplRecord a = await(f.service.create("node", null));
    ReplRecord b = await(f.service.create("node", null));
    Promise<Void> gate = Promise.promise();
    f.nodes.startGate = gate.future();
    Future<ReplRecord> first = f.service.start(a.slug());
    Future<ReplRecord> second = f.service.start(b.slug());
    Throwable refused = failure(second);
    assertEquals("no_capacity", ((ApiException) refused).code(), refused.getMessage());
    gate.complete();
    assertEquals(ReplState.RUNNING, await(first).state());
    assertEquals(
        1, f.nodes.starts.size(), "the node was asked once, though its heartbeat still said empty");
  }

  @Test
  void aFailedStartGivesItsRoomBack() throws Exception {
    await(
        f.cluster
            .nodes()
            .put("small", FakeNodes.node("small", f.clock.instant()).slots(1).build()));
    ReplRecord a = await(f.service.create("node", null));
    f.nodes.failStartWith = new ApiException(502, "node_error", "boom");
    failure(f.service.start(a.slug()));
    f.nodes.failStartWith = null;
    assertEquals(ReplState.RUNNING, await(f.service.start(a.slug())).state());
  }

  @Test
  void drainMovesEveryReplOffTheNodeAndItTakesNoNewOnes() throws Exception {
    f.addNode("a");
    List<String> slugs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ReplRecord r = await(f.service.create("node", null));
      await(f.service.start(r.slug()));
      slugs.add(r.slug());
    }
    f.addNode("b");
    NodeDrain.Outcome result = await(f.drain.drain("a", true));
    assertEquals(3, result.moved().size(), result.toString());
    for (String slug : slugs) assertEquals("b", await(f.service.get(slug)).nodeId());
    ReplRecord fresh = await(f.service.create("node", null));
    assertEquals("b", await(f.service.start(fresh.slug())).nodeId());
    assertTrue(await(f.cluster.nodes().get("a")).draining());
    assertFalse(await(f.drain.drain("a", false)).draining());
  }

  @Test
  void drainingAnUnknownNodeIsANotFound() throws Exception {
    assertEquals("unknown_node", ((ApiException) failure(f.drain.drain("nope", true))).code());
  }

  @Test
  void replsOfANodeThatLeftAreStartedElsewhere() throws Exception {
    f.addNode("doomed");
    ReplRecord r = await(f.service.create("node", null));
    assertEquals("doomed", await(f.service.start(r.slug())).nodeId());
    f.addNode("survivor");
    await(f.cluster.nodes().remove("doomed"));
    await(keeper.tick());
    awaitRunningOn(r.slug(), "survivor");
  }

  @Test
  void aLostReplPastTheIdleTimeIsStartedElsewhereInTheSameRound() throws Exception {
    f.addNode("doomed");
    ReplRecord r = await(f.service.create("node", null));
    await(f.service.start(r.slug()));
    f.clock.advance(Duration.ofMinutes(11));
    f.addNode("survivor");
    await(f.cluster.nodes().remove("doomed"));
    await(keeper.tick());
    awaitRunningOn(r.slug(), "survivor");
  }

  @Test
  void aNodeWhoseEntryExpiredWhileItsMemberStaysKeepsItsReplsUntilTheMemberLeaves()
      throws Exception {
    await(
        f.cluster
            .nodes()
            .put(
                "late", FakeNodes.node("late", f.clock.instant()).memberId("member-late").build()));
    ReplRecord r = await(f.service.create("node", null));
    assertEquals("late", await(f.service.start(r.slug())).nodeId());
    f.addNode("survivor");
    // Its heartbeat held up: the entry expires, the member is still in the cluster.
    await(f.cluster.nodes().remove("late"));
    await(keeper.tick());
    await(keeper.tick());
    assertEquals(1, f.nodes.starts.size(), "not started again");
    assertEquals("late", await(f.cluster.routes().get(r.slug())).nodeId());
    assertEquals("late", await(f.service.get(r.slug())).nodeId());

    f.leftMembers.add("member-late");
    await(keeper.tick());
    awaitRunningOn(r.slug(), "survivor");
  }

  @Test
  void aReplUnusedForTheIdleTimeIsStoppedAndActivityKeepsItRunning() throws Exception {
    f.addNode("a");
    ReplRecord used = await(f.service.create("node", null));
    ReplRecord idle = await(f.service.create("node", null));
    await(f.service.start(used.slug()));
    await(f.service.start(idle.slug()));
    f.clock.advance(Duration.ofMinutes(11));
    await(f.cluster.nodes().put("a", FakeNodes.node("a", f.clock.instant()).build()));
    await(
        f.cluster
            .activity()
            .put(used.slug(), new ClusterState.Activity(f.clock.instant(), "session")));
    await(keeper.tick());
    eventually(() -> await(f.service.get(idle.slug())).state() == ReplState.STOPPED);
    assertEquals(ReplState.RUNNING, await(f.service.get(used.slug())).state());
  }

  @Test
  void aReplGivenALifetimeIsNotStoppedForIdlenessBeforeItEnds() throws Exception {
    f.addNode("a");
    ReplRecord timed =
        await(
            f.service.create(
                "node",
                "ci",
                new ReplService.NewRepl(
                    null, Map.of(), Duration.ofMinutes(60), Lifetime.OnTimeout.DELETE),
                false));
    ReplRecord untimed = await(f.service.create("node", "ci"));
    await(f.service.start(timed.slug()));
    await(f.service.start(untimed.slug()));
    f.clock.advance(Duration.ofMinutes(30));
    await(f.cluster.nodes().put("a", FakeNodes.node("a", f.clock.instant()).build()));
    await(keeper.tick());
    eventually(() -> await(f.service.get(untimed.slug())).state() == ReplState.STOPPED);
    assertEquals(ReplState.RUNNING, await(f.service.get(timed.slug())).state());
  }

  @Test
  void aReplPastItsTimeoutIsStoppedAndOneThatAskedForItIsDeleted() throws Exception {
    f.addNode("a");
    ReplRecord stopping =
        await(
            f.service.create(
                "node",
                "ci",
                new ReplService.NewRepl(
                    null, Map.of(), Duration.ofMinutes(5), Lifetime.OnTimeout.STOP),
                false));
    ReplRecord deleting =
        await(
            f.service.create(
                "node",
                "ci",
                new ReplService.NewRepl(
                    null, Map.of(), Duration.ofMinutes(5), Lifetime.OnTimeout.DELETE),
                false));
    ReplRecord forever = await(f.service.create("node", "ci"));
    for (ReplRecord r : List.of(stopping, deleting, forever)) await(f.service.start(r.slug()));
    f.clock.advance(Duration.ofMinutes(4));
    await(keeper.tick());
    assertEquals(ReplState.RUNNING, await(f.service.get(stopping.slug())).state());

    f.clock.advance(Duration.ofMinutes(2));
    await(f.cluster.nodes().put("a", FakeNodes.node("a", f.clock.instant()).build()));
    await(keeper.tick());
    eventually(() -> await(f.service.get(stopping.slug())).state() == ReplState.STOPPED);
    eventually(() -> await(f.cluster.repls().get(deleting.slug())) == null);
    assertEquals(ReplState.RUNNING, await(f.service.get(forever.slug())).state());
  }

  @Test
  void settingATimeoutCountsFromNowAndRemovingItKeepsTheReplRunning() throws Exception {
    f.addNode("a");
    ReplRecord repl = await(f.service.create("node", "ci"));
    await(f.service.start(repl.slug()));
    await(f.service.setTimeout(repl.slug(), Duration.ofMinutes(1), null));
    await(f.service.setTimeout(repl.slug(), null, null));
    f.clock.advance(Duration.ofMinutes(2));
    await(f.cluster.nodes().put("a", FakeNodes.node("a", f.clock.instant()).build()));
    await(keeper.tick());
    assertEquals(ReplState.RUNNING, await(f.service.get(repl.slug())).state());

    await(f.service.setTimeout(repl.slug(), Duration.ofMinutes(1), Lifetime.OnTimeout.STOP));
    f.clock.advance(Duration.ofSeconds(61));
    await(f.cluster.nodes().put("a", FakeNodes.node("a", f.clock.instant()).build()));
    await(keeper.tick());
    eventually(() -> await(f.service.get(repl.slug())).state() == ReplState.STOPPED);
  }

  @Test
  void useRecordedForAReplThatNoLongerExistsIsForgotten() throws Exception {
    ReplRecord kept = await(f.service.create("node", null));
    await(
        f.cluster
            .activity()
            .put(kept.slug(), new ClusterState.Activity(f.clock.instant(), "session")));
    await(
        f.cluster
            .activity()
            .put("gone-repl-000001", new ClusterState.Activity(f.clock.instant(), "preview")));
    await(keeper.tick());
    eventually(() -> await(f.cluster.activity().get("gone-repl-000001")) == null);
    assertEquals("session", await(f.cluster.activity().get(kept.slug())).by());
  }

  @Test
  void deletingAReplForgetsItsRecordedUse() throws Exception {
    ReplRecord repl = await(f.service.create("node", null));
    await(
        f.cluster
            .activity()
            .put(repl.slug(), new ClusterState.Activity(f.clock.instant(), "preview")));
    await(f.service.delete(repl.slug()));
    assertEquals(null, await(f.cluster.activity().get(repl.slug())));
  }

  @Test
  void theSignalAsksForNodesToBringUtilisationDownToTheTarget() {
    var now = Instant.parse("2026-01-01T00:00:00Z");
    List<NodeInfo> half =
        List.of(
            FakeNodes.node("a", now).slots(10).repls(9).build(),
            FakeNodes.node("b", now).slots(10).repls(9).build());
    FleetSignal busy = FleetSignal.compute(half, now, Duration.ofSeconds(15), 0.7, false);
    assertEquals(0.9, busy.utilisation(), 1e-9);
    assertEquals(3, busy.desiredNodes(), "2 × 0.9 / 0.7 = 2.57 → 3");
    assertTrue(busy.scaleOut());
    FleetSignal quiet =
        FleetSignal.compute(
            List.of(FakeNodes.node("a", now).slots(10).repls(2).build()),
            now,
            Duration.ofSeconds(15),
            0.7,
            false);
    assertEquals(1, quiet.desiredNodes());
    assertFalse(quiet.scaleOut());
    FleetSignal afterFailure =
        FleetSignal.compute(
            List.of(FakeNodes.node("a", now).slots(10).repls(2).build()),
            now,
            Duration.ofSeconds(15),
            0.7,
            true);
    assertEquals(2, afterFailure.desiredNodes(), "no room was found lately: one more node");
    FleetSignal draining =
        FleetSignal.compute(
            List.of(FakeNodes.node("a", now).draining().build()),
            now,
            Duration.ofSeconds(15),
            0.7,
            false);
    assertEquals(0, draining.activeNodes());
    assertTrue(draining.scaleOut(), "a fleet with nothing taking work needs a node");
  }

  @Test
  void aTransitionLeftBehindByADeadSchedulerIsSettled() throws Exception {
    f.addNode("a");
    ReplRecord stuck = await(f.service.create("node", null));
    await(
        f.cluster
            .repls()
            .update(stuck.slug(), r -> r.withState(ReplState.STARTING, "a", f.clock.instant())));
    f.clock.advance(Duration.ofMinutes(11));
    await(f.cluster.nodes().put("a", FakeNodes.node("a", f.clock.instant()).build()));
    await(keeper.tick());
    eventually(() -> await(f.service.get(stuck.slug())).state() == ReplState.STOPPED);
    assertEquals(
        ReplState.RUNNING, await(f.service.start(stuck.slug())).state(), "and it can start again");
  }

  @Test
  void aFleetThatWantsMoreNodesRunsTheScaleOutCommandOncePerCooldown(@TempDir Path dir)
      throws Exception {
    Path log = dir.resolve("scale-out.log");
    FleetKeeper scaling =
        new FleetKeeper(
            f.vertx,
            f.cluster,
            f.service,
            f.room,
            new FleetKeeper.Settings(
                Duration.ofHours(1),
                Duration.ZERO,
                0.7,
                "echo \"$PIER_ACTIVE_NODES -> $PIER_DESIRED_NODES\" >> " + log,
                Duration.ofMinutes(10),
                ReplServiceFixture.STALE_AFTER),
            f.clock,
            new SimpleMeterRegistry());
    await(
        f.cluster
            .nodes()
            .put("busy", FakeNodes.node("busy", f.clock.instant()).slots(10).repls(9).build()));
    await(scaling.tick());
    eventually(() -> Files.exists(log) && !Files.readString(log).isBlank());
    assertEquals("1 -> 2\n", Files.readString(log), "active and desired nodes are passed on");
    await(scaling.tick());
    await(scaling.tick());
    assertEquals("1 -> 2\n", Files.readString(log), "not again within the cooldown");
    assertTrue(await(scaling.signal()).scaleOut());
  }

  private void awaitRunningOn(String slug, String node) throws Exception {
    eventually(
        () -> {
          ReplRecord now = await(f.service.get(slug));
          return now.state() == ReplState.RUNNING && node.equals(now.nodeId());
        });
  }

  private static void eventually(ThrowingCondition condition) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!condition.met()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not within 5 s");
      Thread.sleep(20);
    }
  }

  @FunctionalInterface
  interface ThrowingCondition {
    boolean met() throws Exception;
  }
}
