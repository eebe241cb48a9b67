package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.config.Mains;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pier must not lose a saved byte: changes reach S3 while the repl runs, through an S3 outage, through a SIGKILL of
 * the node-agent and through a restart of everything; large projects restore completely.
 */
class DurabilityIT {
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    Mains.await(vertx.close(), Duration.ofSeconds(10));
  }

  @Test
  void filesMadeRenamedAndDeletedInATerminalReachStorageWhileTheReplRuns() throws Exception {
    try (PierOnLoopback pier = new PierOnLoopback()) {
      String slug = createAndStart(pier);
      try (SessionClient s = SessionClient.connect(vertx, pier, slug)) {
        int term = s.request("term.open", new JsonObject()).getInteger("term");
        s.sendInput(term, "echo from-the-shell > made.txt\n");
        eventually(() -> stored(pier, slug, "made.txt").equals("from-the-shell\n"));
        s.sendInput(term, "mkdir -p docs && mv made.txt docs/moved.txt\n");
        eventually(
            () ->
                stored(pier, slug, "docs/moved.txt").equals("from-the-shell\n")
                    && stored(pier, slug, "made.txt").isEmpty());
        s.sendInput(term, "rm -r docs\n");
        eventually(() -> stored(pier, slug, "docs/moved.txt").isEmpty());
        s.sendInput(
            term,
            "mkdir -p node_modules/dep && echo x > node_modules/dep/i.js && echo done-$((1+1))\n");
        s.awaitOutput(term, "done-2");
        assertTrue(
            pier.store.list("repls/" + slug + "/files/node_modules/").isEmpty(),
            "ignored folders stay local");
      }
    }
  }

  @Test
  void everyEditMadeDuringAStorageOutageArrivesWhenStorageReturns() throws Exception {
    try (PierOnLoopback pier = new PierOnLoopback()) {
      String slug = createAndStart(pier);
      try (SessionClient s = SessionClient.connect(vertx, pier, slug)) {
        pier.stopS3();
        long outageEnds = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int edits = 0;
        while (System.nanoTime() < outageEnds) {
          edits++;
          JsonObject saved =
              s.request(
                  "fs.write",
                  new JsonObject()
                      .put("path", "outage/edit-" + edits + ".txt")
                      .put("content", "edit " + edits));
          assertTrue(
              saved.getBoolean("ok"),
              "saving to the workspace works while storage is down: " + saved);
          s.request(
              "fs.write",
              new JsonObject().put("path", "journal.md").put("content", "revision " + edits));
          // An edit a second, like a user typing with autosave, for the whole outage.
          TimeUnit.SECONDS.sleep(1);
        }
        JsonObject status = syncStatus(pier, slug);
        assertTrue(status.getInteger("pendingFiles") > 0, status.encode());
        assertTrue(status.getLong("failures") > 0, status.encode());
        HttpResponse<String> refused =
            EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/stop", "");
        assertEquals(503, refused.statusCode(), refused.body());
        assertEquals("storage_unavailable", new JsonObject(refused.body()).getString("error"));
        assertFalse(s.isClosed(), "a stop refused for want of storage leaves the IDE session open");
        assertTrue(
            s.request("fs.read", new JsonObject().put("path", "journal.md")).getBoolean("ok"),
            "a stop refused for want of storage leaves the repl working");
        pier.startS3();
        int last = edits;
        eventually(() -> syncStatus(pier, slug).getInteger("pendingFiles") == 0);
        for (int i = 1; i <= last; i++)
          assertEquals("edit " + i, stored(pier, slug, "outage/edit-" + i + ".txt"));
        assertEquals("revision " + last, stored(pier, slug, "journal.md"));
        assertEquals(
            200, EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/stop", "").statusCode());
      }
    }
  }

  @Test
  void aNodeAgentKilledRightAfterASaveStoresItWhenItComesBack() throws Exception {
    // Uploads wait a minute for quiet, so the save is surely still only on the node when the agent
    // dies.
    Path data =
        Files.createDirectories(Path.of("target", "kill-" + System.nanoTime()).toAbsolutePath());
    try (PierOnLoopback pier =
        new PierOnLoopback(PierOnLoopback.Options.fresh().inFolder(data, true, 60_000))) {
      String slug = createAndStart(pier);
      try (SessionClient s = SessionClient.connect(vertx, pier, slug)) {
        assertTrue(
            s.request(
                    "fs.write",
                    new JsonObject().put("path", "precious.txt").put("content", "saved"))
                .getBoolean("ok"));
      }
      pier.killNode();
      assertEquals(
          "", stored(pier, slug, "precious.txt"), "not in storage yet when the agent died");
      pier.startNode();
      eventually(() -> stored(pier, slug, "precious.txt").equals("saved"));
    }
  }

  @Test
  void aProjectOf1500FilesRestoresCompletely() throws Exception {
    try (PierOnLoopback pier = new PierOnLoopback()) {
      String slug =
          new JsonObject(EdgeApi.send(pier, "POST", "/api/repls", "{\"template\":\"node\"}").body())
              .getString("slug");
      byte[] content = "x".repeat(100).getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < 1500; i++) {
        pier.store.put("repls/" + slug + "/files/data/d" + (i % 15) + "/f" + i + ".txt", content);
      }
      assertEquals(
          200, EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/start", "").statusCode());
      try (Stream<Path> files = Files.walk(pier.workspace(slug).resolve("data"))) {
        assertEquals(1500, files.filter(Files::isRegularFile).count());
      }
      assertEquals(
          200, EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/stop", "").statusCode());
      assertEquals(1500, pier.store.list("repls/" + slug + "/files/data/").size());
    }
  }

  @Test
  void aRestartOfEveryProcessKeepsEveryReplAndItsFiles() throws Exception {
    Path data =
        Files.createDirectories(Path.of("target", "restart-" + System.nanoTime()).toAbsolutePath());
    String edited;
    String untouched;
    try (PierOnLoopback pier =
        new PierOnLoopback(PierOnLoopback.Options.fresh().inFolder(data, false, 1000))) {
      edited = createAndStart(pier);
      untouched =
          new JsonObject(
                  EdgeApi.send(pier, "POST", "/api/repls", "{\"template\":\"python-flask\"}")
                      .body())
              .getString("slug");
      try (SessionClient s = SessionClient.connect(vertx, pier, edited)) {
        s.request(
            "fs.write",
            new JsonObject()
                .put("path", "index.js")
                .put("content", "// rewritten before the restart\n"));
      }
    }
    try (PierOnLoopback again =
        new PierOnLoopback(PierOnLoopback.Options.fresh().inFolder(data, false, 1000))) {
      JsonArray repls =
          new JsonObject(EdgeApi.send(again, "GET", "/api/repls", null).body())
              .getJsonArray("repls");
      assertTrue(
          repls.stream().anyMatch(r -> ((JsonObject) r).getString("slug").equals(edited)),
          repls.encode());
      assertTrue(
          repls.stream().anyMatch(r -> ((JsonObject) r).getString("slug").equals(untouched)),
          repls.encode());
      assertEquals(
          200, EdgeApi.send(again, "POST", "/api/repls/" + edited + "/start", "").statusCode());
      assertEquals(
          "// rewritten before the restart\n",
          Files.readString(again.workspace(edited).resolve("index.js")));
      assertFalse(again.containersOf(edited).isEmpty());
    }
  }

  private static String createAndStart(PierOnLoopback pier) throws Exception {
    String slug =
        new JsonObject(EdgeApi.send(pier, "POST", "/api/repls", "{\"template\":\"node\"}").body())
            .getString("slug");
    HttpResponse<String> started = EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/start", "");
    assertEquals(200, started.statusCode(), started.body());
    return slug;
  }

  private static String stored(PierOnLoopback pier, String slug, String path) {
    try {
      return pier.store
          .get("repls/" + slug + "/files/" + path)
          .map(b -> new String(b, StandardCharsets.UTF_8))
          .orElse("");
    } catch (RuntimeException storageDown) {
      return "";
    }
  }

  private static JsonObject syncStatus(PierOnLoopback pier, String slug) {
    try {
      return new JsonObject(
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:"
                                  + pier.nodePort
                                  + "/internal/repls/"
                                  + slug
                                  + "/sync"))
                      .header("Authorization", "Bearer " + pier.serviceToken)
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not within 60 s");
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }
}
