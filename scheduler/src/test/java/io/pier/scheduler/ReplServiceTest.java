package io.pier.scheduler;

import static io.pier.scheduler.ReplServiceFixture.await;
import static io.pier.scheduler.ReplServiceFixture.failure;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.cluster.StringMap;
import io.pier.common.http.ApiException;
import io.pier.common.node.NodeInfo;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.Limits;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.common.repl.Visibility;
import io.pier.common.store.ObjectStore.ObjectInfo;
import io.pier.common.template.TemplateManifest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReplServiceTest {
  private ReplServiceFixture f = new ReplServiceFixture();

  @AfterEach
  void close() throws Exception {
    f.close();
  }

  private ReplService service() {
    return f.service;
  }

  private ReplRecord created() throws Exception {
    return await(service().create("node", "alice"));
  }

  private ReplRecord registered(String slug) throws Exception {
    return await(f.cluster.repls().get(slug));
  }

  private JsonObject storedJson(String slug) {
    return new JsonObject(
        new String(f.store.get("repls/" + slug + "/repl.json").orElseThrow(), UTF_8));
  }

  private static ApiException apiFailure(Throwable err, int status, String code) {
    ApiException api = assertInstanceOf(ApiException.class, err);
    assertEquals(status, api.status(), api.getMessage());
    assertEquals(code, api.code(), api.getMessage());
    return api;
  }

  // ---- create ----

  @Test
  void createCopiesTemplateFilesExceptTheManifest() throws Exception {
    ReplRecord r = created();
    List<String> keys =
        f.store.list("repls/" + r.slug() + "/files/").stream().map(ObjectInfo::key).toList();
    List<String> expected = new ArrayList<>();
    for (ObjectInfo o : f.store.list("templates/node/")) {
      String relative = o.key().substring("templates/node/".length());
      if (!relative.equals("pier.json")) expected.add("repls/" + r.slug() + "/files/" + relative);
    }
    assertTrue(expected.contains("repls/" + r.slug() + "/files/index.js"), expected.toString());
    assertEquals(expected, keys);
    assertFalse(f.store.get("repls/" + r.slug() + "/files/pier.json").isPresent());
    assertEquals(
        new String(f.store.get("templates/node/index.js").orElseThrow(), UTF_8),
        new String(f.store.get("repls/" + r.slug() + "/files/index.js").orElseThrow(), UTF_8));
  }

  @Test
  void createWritesMetadataWithoutRunTimeFields() throws Exception {
    ReplRecord r = created();
    JsonObject stored = storedJson(r.slug());
    assertEquals(r.slug(), stored.getString("slug"));
    assertEquals("node", stored.getString("template"));
    assertEquals("alice", stored.getString("owner"));
    assertFalse(stored.containsKey("state"));
    assertFalse(stored.containsKey("node"));
    TemplateManifest manifest = f.catalog.find("node").orElseThrow();
    assertEquals(manifest.limits(), Limits.fromJson(stored.getJsonObject("limits")));
  }

  @Test
  void createRegistersAStoppedRepl() throws Exception {
    ReplRecord r = created();
    assertEquals(ReplState.STOPPED, r.state());
    assertNull(r.nodeId());
    assertEquals(f.clock.instant(), r.createdAt());
    assertEquals(r, registered(r.slug()));
    assertTrue(f.nodes.starts.isEmpty());
  }

  @Test
  void createGivesEachReplItsOwnSlug() throws Exception {
    ReplRecord a = created();
    ReplRecord b = await(service().create("python-flask", null));
    assertFalse(a.slug().equals(b.slug()));
    assertTrue(f.store.get("repls/" + b.slug() + "/files/main.py").isPresent());
    assertEquals(2, await(service().list()).size());
  }

  @Test
  void createWithUnknownTemplateFails() throws Exception {
    ApiException e =
        apiFailure(failure(service().create("cobol", "alice")), 400, "unknown_template");
    assertTrue(e.getMessage().contains("cobol"), e.getMessage());
    assertTrue(f.store.list("repls/").isEmpty());
    assertTrue(await(service().list()).isEmpty());
  }

  @Test
  void listIsNewestFirst() throws Exception {
    ReplRecord first = created();
    f.clock.advance(Duration.ofMinutes(1));
    ReplRecord second = created();
    f.clock.advance(Duration.ofMinutes(1));
    ReplRecord third = created();
    assertEquals(
        List.of(third.slug(), second.slug(), first.slug()),
        await(service().list()).stream().map(ReplRecord::slug).toList());
  }

  // ---- start ----

  @Test
  void startWithoutNodesFailsWithNoCapacity() throws Exception {
    ReplRecord r = created();
    ApiException e = apiFailure(failure(service().start(r.slug())), 503, "no_capacity");
    assertTrue(e.getMessage().contains("no node-agent"), e.getMessage());
    assertEquals(ReplState.STOPPED, registered(r.slug()).state());
    assertTrue(f.nodes.starts.isEmpty());
  }

  @Test
  void startWithOnlyUnfitNodesSaysWhy() throws Exception {
    ReplRecord r = created();
    await(
        f.cluster
            .nodes()
            .put("old", FakeNodes.node("old", f.clock.instant().minusSeconds(60)).build()));
    await(
        f.cluster
            .nodes()
            .put(
                "py",
                FakeNodes.node("py", f.clock.instant())
                    .images("pier-runner-python:latest")
                    .build()));
    ApiException e = apiFailure(failure(service().start(r.slug())), 503, "no_capacity");
    assertTrue(e.getMessage().contains("1 with no recent heartbeat"), e.getMessage());
    assertTrue(e.getMessage().contains("1 with no runner image"), e.getMessage());
    assertTrue(f.nodes.starts.isEmpty());
  }

  @Test
  void startRunsTheReplOnAHealthyNode() throws Exception {
    NodeInfo node = f.addNode("node-a");
    ReplRecord r = created();
    f.clock.advance(Duration.ofSeconds(5));
    ReplRecord running = await(service().start(r.slug()));

    assertEquals(ReplState.RUNNING, running.state());
    assertEquals("node-a", running.nodeId());
    assertEquals(f.clock.instant(), running.lastActiveAt());
    assertEquals(running, registered(r.slug()));

    assertEquals(1, f.nodes.starts.size());
    FakeNodeClient.StartCall call = f.nodes.starts.get(0);
    assertEquals(node, call.node());
    TemplateManifest manifest = f.catalog.find("node").orElseThrow();
    assertEquals(
        new StartRequest(
            r.slug(),
            manifest.image(),
            manifest.runCommand(),
            manifest.port(),
            manifest.limits(),
            manifest.open()),
        call.request());
    assertEquals("pier-runner-node:latest", call.request().image());
    assertEquals("node index.js", call.request().run());
    assertEquals(3000, call.request().port());
  }

  @Test
  void startPersistsMetadataWithoutRunTimeFields() throws Exception {
    f.addNode("node-a");
    ReplRecord r = created();
    f.clock.advance(Duration.ofSeconds(5));
    await(service().start(r.slug()));
    JsonObject stored = storedJson(r.slug());
    assertFalse(stored.containsKey("state"));
    assertFalse(stored.containsKey("node"));
    assertEquals(f.clock.instant().toString(), stored.getString("lastActiveAt"));
  }

  @Test
  void startPicksOnlyANodeWithTheImage() throws Exception {
    await(
        f.cluster
            .nodes()
            .put(
                "py",
                FakeNodes.node("py", f.clock.instant())
                    .images("pier-runner-python:latest")
                    .build()));
    f.addNode("both");
    for (int i = 0; i < 10; i++) {
      ReplRecord r = created();
      assertEquals("both", await(service().start(r.slug())).nodeId());
    }
  }

  @Test
  void startOfARunningReplWithARouteDoesNotCallTheNodeAgain() throws Exception {
    f.addNode("node-a");
    ReplRecord r = created();
    ReplRecord first = await(service().start(r.slug()));
    assertNotNull(await(f.cluster.routes().get(r.slug())));
    ReplRecord again = await(service().start(r.slug()));
    assertEquals(first, again);
    assertEquals(1, f.nodes.starts.size());
  }

  @Test
  void startOfARunningReplWithoutRouteStartsItAgain() throws Exception {
    f.addNode("node-a");
    ReplRecord r = created();
    await(service().start(r.slug()));
    await(f.cluster.routes().remove(r.slug())); // the node-agent restarted and lost it
    ReplRecord again = await(service().start(r.slug()));
    assertEquals(ReplState.RUNNING, again.state());
    assertEquals(2, f.nodes.starts.size());
    assertNotNull(await(f.cluster.routes().get(r.slug())));
  }

  @Test
  void nodeFailureMarksTheReplFailedAndPropagates() throws Exception {
    f.addNode("node-a");
    ReplRecord r = created();
    ApiException boom = new ApiException(502, "node_unreachable", "node node-a did not answer");
    f.nodes.failStartWith = boom;
    assertSame(boom, failure(service().start(r.slug())));
    ReplRecord failed = registered(r.slug());
    assertEquals(ReplState.FAILED, failed.state());
    assertNull(failed.nodeId());
  }

  @Test
  void aFailedReplCanBeStartedAgain() throws Exception {
    f.addNode("node-a");
    ReplRecord r = created();
    f.nodes.failStartWith = new IllegalStateException("docker is down");
    failure(service().start(r.slug()));
    f.nodes.failStartWith = null;
    assertEquals(ReplState.RUNNING, await(service().start(r.slug())).state());
    assertEquals(2, f.nodes.starts.size());
  }

  @Test
  void startOfAReplWhoseTemplateIsGoneIsAConflict() throws Exception {
    f.addNode("node-a");
    Instant now = f.clock.instant();
    await(
        f.cluster
            .repls()
            .put(
                "old-one",
                new ReplRecord(
                    "old-one",
                    "cobol",
                    null,
                    ReplState.STOPPED,
                    null,
                    now,
                    now,
                    new Limits(1, 512, 256))));
    apiFailure(failure(service().start("old-one")), 409, "unknown_template");
    assertTrue(f.nodes.starts.isEmpty());
  }

  @Test
  void startWaitsForABusyReplAndGivesUpAfterTheBusyWait() throws Exception {
    f.close();
    f = new ReplServiceFixture(Duration.ZERO, m -> m);
    f.addNode("node-a");
    ReplRecord r = created();
    await(
        f.cluster
            .repls()
            .put(r.slug(), r.withState(ReplState.STARTING, "node-a", f.clock.instant())));
    apiFailure(failure(service().start(r.slug())), 409, "busy");
    assertTrue(f.nodes.starts.isEmpty());
  }

  // ---- stop ----

  @Test
  void stopStopsTheReplOnItsNode() throws Exception {
    NodeInfo node = f.addNode("node-a");
    ReplRecord r = created();
    await(service().start(r.slug()));
    ReplRecord stopped = await(service().stop(r.slug()));
    assertEquals(ReplState.STOPPED, stopped.state());
    assertNull(stopped.nodeId());
    assertEquals(stopped, registered(r.slug()));
    assertEquals(List.of(new FakeNodeClient.StopCall(node, r.slug())), f.nodes.stops);
  }

  @Test
  void stopOfAStoppedReplDoesNothing() throws Exception {
    f.addNode("node-a");
    ReplRecord r = created();
    assertEquals(r, await(service().stop(r.slug())));
    assertTrue(f.nodes.stops.isEmpty());
  }

  @Test
  void stopWhenTheNodeIsGoneStillStops() throws Exception {
    f.addNode("node-a");
    ReplRecord r = created();
    await(service().start(r.slug()));
    await(f.cluster.nodes().remove("node-a"));
    assertEquals(ReplState.STOPPED, await(service().stop(r.slug())).state());
    assertTrue(f.nodes.stops.isEmpty());
  }

  @Test
  void stopOfAFailedReplMarksItStopped() throws Exception {
    f.addNode("node-a");
    ReplRecord r = created();
    f.nodes.failStartWith = new IllegalStateException("no");
    failure(service().start(r.slug()));
    assertEquals(ReplState.STOPPED, await(service().stop(r.slug())).state());
  }

  @Test
  void nodeFailureOnStopRestoresTheStateAndPropagates() throws Exception {
    f.addNode("node-a");
    ReplRecord r = created();
    await(service().start(r.slug()));
    ApiException boom = new ApiException(502, "node_unreachable", "gone");
    f.nodes.failStopWith = boom;
    assertSame(boom, failure(service().stop(r.slug())));
    ReplRecord after = registered(r.slug());
    assertEquals(ReplState.RUNNING, after.state());
    assertEquals("node-a", after.nodeId());
  }

  // ---- delete ----

  @Test
  void deleteRemovesFilesMetadataAndRegistryEntry() throws Exception {
    ReplRecord keep = created();
    ReplRecord r = created();
    await(service().delete(r.slug()));
    assertTrue(f.store.list("repls/" + r.slug() + "/").isEmpty());
    assertNull(registered(r.slug()));
    apiFailure(failure(service().get(r.slug())), 404, "unknown_repl");
    assertFalse(f.store.list("repls/" + keep.slug() + "/").isEmpty());
    assertNotNull(registered(keep.slug()));
  }

  @Test
  void deleteOfARunningReplStopsItFirst() throws Exception {
    NodeInfo node = f.addNode("node-a");
    ReplRecord r = created();
    await(service().start(r.slug()));
    await(service().delete(r.slug()));
    assertEquals(List.of(new FakeNodeClient.StopCall(node, r.slug())), f.nodes.stops);
    assertNull(await(f.cluster.routes().get(r.slug())));
    assertNull(registered(r.slug()));
    assertTrue(f.store.list("repls/" + r.slug() + "/").isEmpty());
  }

  // ---- unknown ----

  @Test
  void unknownSlugIsNotFoundEverywhere() throws Exception {
    apiFailure(failure(service().get("no-such-repl")), 404, "unknown_repl");
    apiFailure(failure(service().start("no-such-repl")), 404, "unknown_repl");
    apiFailure(failure(service().stop("no-such-repl")), 404, "unknown_repl");
    apiFailure(failure(service().delete("no-such-repl")), 404, "unknown_repl");
  }

  // ---- recovery ----

  private void storeMetadata(ReplRecord r) {
    f.store.put("repls/" + r.slug() + "/repl.json", r.toStoredJson().encode().getBytes(UTF_8));
  }

  @Test
  void recoverRegistryRebuildsStoppedReplsFromStorage() throws Exception {
    Instant created = Instant.parse("2024-01-01T00:00:00Z");
    Instant active = Instant.parse("2024-02-01T00:00:00Z");
    ReplRecord a =
        new ReplRecord(
            "calm-otter-000001",
            "node",
            "alice",
            ReplState.RUNNING,
            "gone-node",
            created,
            active,
            new Limits(1, 512, 256));
    ReplRecord b =
        new ReplRecord(
            "keen-lynx-000002",
            "python-flask",
            null,
            ReplState.STOPPED,
            null,
            created,
            active,
            new Limits(0.5, 256, 128));
    storeMetadata(a);
    storeMetadata(b);
    f.store.put("repls/" + a.slug() + "/files/index.js", "x".getBytes(UTF_8));
    f.store.put("repls/no-metadata/files/index.js", "x".getBytes(UTF_8));

    assertEquals(2, await(f.recovery.recover()));
    assertEquals(a.withState(ReplState.STOPPED, null, active), registered(a.slug()));
    assertEquals(b, registered(b.slug()));
    assertNull(registered("no-metadata"));
  }

  @Test
  void recoverRegistryKeepsEntriesTheRegistryAlreadyHas() throws Exception {
    f.addNode("node-a");
    ReplRecord r = created();
    ReplRecord running = await(service().start(r.slug()));
    assertEquals(0, await(f.recovery.recover()));
    assertEquals(running, registered(r.slug()));
  }

  @Test
  void recoverRegistrySkipsUnreadableMetadata() throws Exception {
    f.store.put("repls/broken/repl.json", "{not json".getBytes(UTF_8));
    f.store.put("repls/partial/repl.json", "{\"slug\":\"partial\"}".getBytes(UTF_8));
    Instant t = f.clock.instant();
    storeMetadata(
        new ReplRecord(
            "fine", "node", null, ReplState.STOPPED, null, t, t, new Limits(1, 512, 256)));
    assertEquals(1, await(f.recovery.recover()));
    assertNull(registered("broken"));
    assertNull(registered("partial"));
    assertNotNull(registered("fine"));
  }

  @Test
  void recoverRegistryFindsWhatCreateStored() throws Exception {
    ReplRecord r = created();
    await(f.cluster.repls().remove(r.slug())); // the whole cluster restarted
    assertEquals(1, await(f.recovery.recover()));
    assertEquals(r, registered(r.slug()));
  }

  @Test
  void aPrivatePreviewSurvivesARebuildOfTheRegistryAndStartsAndStops() throws Exception {
    f.addNode("node-a");
    ReplRecord r = await(service().create("node", "alice", Visibility.PRIVATE));
    assertEquals("private", storedJson(r.slug()).getString("visibility"));
    assertTrue(await(service().start(r.slug())).isPrivate(), "a transition keeps the visibility");
    assertTrue(await(service().stop(r.slug())).isPrivate());
    await(f.cluster.repls().remove(r.slug())); // the whole cluster restarted
    assertEquals(1, await(f.recovery.recover()));
    assertTrue(registered(r.slug()).isPrivate());
  }

  @Test
  void visibilityChangesInTheRegistryAndInStorage() throws Exception {
    ReplRecord r = created();
    assertFalse(r.isPrivate(), "public by default");
    assertTrue(await(service().setVisibility(r.slug(), Visibility.PRIVATE)).isPrivate());
    assertTrue(registered(r.slug()).isPrivate());
    assertEquals("private", storedJson(r.slug()).getString("visibility"));
    await(service().setVisibility(r.slug(), Visibility.PUBLIC));
    assertEquals("public", storedJson(r.slug()).getString("visibility"));
    ApiException unknown =
        assertInstanceOf(
            ApiException.class,
            failure(service().setVisibility("no-such-repl", Visibility.PRIVATE)));
    assertEquals(404, unknown.status());
  }

  // ---- concurrency ----

  /** A registry map whose next gets answer only on {@link #release()}, with the value read when they were asked. */
  static final class GatedMap implements StringMap {
    private final StringMap inner;
    private final List<Runnable> held = new ArrayList<>();
    private int toHold;

    GatedMap(StringMap inner) {
      this.inner = inner;
    }

    synchronized void holdNextGets(int count) {
      toHold = count;
    }

    synchronized int heldCount() {
      return held.size();
    }

    void release() {
      List<Runnable> now;
      synchronized (this) {
        now = new ArrayList<>(held);
        held.clear();
      }
      now.forEach(Runnable::run);
    }

    @Override
    public Future<String> get(String key) {
      synchronized (this) {
        if (toHold > 0) {
          toHold--;
          // Read now, answer later: the caller acts on a value that may be stale by then.
          Promise<String> p = Promise.promise();
          Future<String> readNow = inner.get(key);
          held.add(() -> readNow.onComplete(p));
          return p.future();
        }
      }
      return inner.get(key);
    }

    @Override
    public Future<Void> set(String key, String value, Duration ttl) {
      return inner.set(key, value, ttl);
    }

    @Override
    public Future<Boolean> putIfAbsent(String key, String value) {
      return inner.putIfAbsent(key, value);
    }

    @Override
    public Future<Boolean> putIfAbsent(String key, String value, Duration ttl) {
      return inner.putIfAbsent(key, value, ttl);
    }

    @Override
    public Future<Boolean> replace(String key, String expected, String value) {
      return inner.replace(key, expected, value);
    }

    @Override
    public Future<Boolean> remove(String key, String expected) {
      return inner.remove(key, expected);
    }

    @Override
    public Future<Void> delete(String key) {
      return inner.delete(key);
    }

    @Override
    public Future<Map<String, String>> entries() {
      return inner.entries();
    }
  }

  private GatedMap gatedFixture() throws Exception {
    f.close();
    GatedMap[] gate = new GatedMap[1];
    f = new ReplServiceFixture(Duration.ofSeconds(2), m -> gate[0] = new GatedMap(m));
    return gate[0];
  }

  @Test
  void aStartDuringAnotherStartWaitsForItAndDoesNotCallTheNodeAgain() throws Exception {
    f.addNode("node-a");
    ReplRecord r = created();
    Promise<Void> nodeAnswers = Promise.promise();
    f.nodes.startGate = nodeAnswers.future();
    Future<ReplRecord> first = service().start(r.slug());
    assertEquals(ReplState.STARTING, registered(r.slug()).state());
    Future<ReplRecord> second = service().start(r.slug());
    nodeAnswers.complete();
    assertEquals(ReplState.RUNNING, await(first).state());
    assertEquals(ReplState.RUNNING, await(second).state());
    assertEquals(1, f.nodes.starts.size());
  }

  @Test
  void twoConcurrentStartsOnOneNodeStartTheReplOnce() throws Exception {
    GatedMap gate = gatedFixture();
    f.addNode("node-a");
    ReplRecord r = created();
    Promise<Void> nodeAnswers = Promise.promise();
    f.nodes.startGate = nodeAnswers.future();
    gate.holdNextGets(2); // both starts read "stopped" before either claims it
    Future<ReplRecord> one = service().start(r.slug());
    Future<ReplRecord> two = service().start(r.slug());
    assertEquals(2, gate.heldCount());
    gate.release(); // the first claims it and calls its node; the second then tries to claim it too
    nodeAnswers.complete();
    assertEquals(ReplState.RUNNING, await(one).state());
    assertEquals(ReplState.RUNNING, await(two).state());
    assertEquals(1, f.nodes.starts.size(), "node start calls: " + f.nodes.starts);
  }

  @Test
  void twoConcurrentStopsStopTheReplOnce() throws Exception {
    GatedMap gate = gatedFixture();
    f.addNode("node-a");
    ReplRecord r = created();
    await(service().start(r.slug()));
    Promise<Void> nodeAnswers = Promise.promise();
    f.nodes.stopGate = nodeAnswers.future();
    gate.holdNextGets(2); // both stops read "running" before either claims it
    Future<ReplRecord> one = service().stop(r.slug());
    Future<ReplRecord> two = service().stop(r.slug());
    assertEquals(2, gate.heldCount());
    gate.release();
    nodeAnswers.complete();
    assertEquals(ReplState.STOPPED, await(one).state());
    assertEquals(ReplState.STOPPED, await(two).state());
    assertEquals(1, f.nodes.stops.size(), "node stop calls: " + f.nodes.stops);
  }
}
