package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.auth.TokenSigner;
import io.pier.common.config.Mains;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The IDE session protocol (docs/protocol.md) end to end: through the edge-proxy to a real node-agent and container. */
class SessionProtocolIT {
  private static PierOnLoopback pier;
  private static Vertx vertx;
  private static String slug;

  @BeforeAll
  static void startARepl() throws Exception {
    pier = new PierOnLoopback();
    vertx = Vertx.vertx();
    JsonObject created =
        new JsonObject(EdgeApi.send(pier, "POST", "/api/repls", "{\"template\":\"node\"}").body());
    slug = created.getString("slug");
    assertEquals(200, EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/start", "").statusCode());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (vertx != null) Mains.await(vertx.close(), Duration.ofSeconds(10));
    } finally {
      if (pier != null) pier.close();
    }
  }

  @Test
  void helloNamesTheSessionTheFileToOpenAndTheRunningApp() {
    try (SessionClient s = SessionClient.connect(vertx, pier, slug)) {
      JsonObject hello = s.awaitEvent(e -> "hello".equals(e.getString("event")));
      assertEquals(1, hello.getInteger("protocol"));
      assertEquals(slug, hello.getString("slug"));
      assertEquals("index.js", hello.getString("open"));
      assertEquals("running", hello.getJsonObject("run").getString("state"));
      assertTrue(
          s.awaitOutput(0, "Listening on").contains("Listening on"),
          "run output replayed on connect");
    }
  }

  @Test
  void filesAreListedReadCreatedRenamedAndDeleted() {
    try (SessionClient s = SessionClient.connect(vertx, pier, slug)) {
      JsonArray root =
          SessionClient.ok(s.request("fs.list", new JsonObject().put("path", "")))
              .getJsonArray("entries");
      assertTrue(
          root.stream().anyMatch(e -> ((JsonObject) e).getString("path").equals("index.js")),
          root.encode());
      JsonObject index =
          SessionClient.ok(s.request("fs.read", new JsonObject().put("path", "index.js")));
      assertTrue(index.getString("content").contains("Hello from Pier on Node.js"));

      SessionClient.ok(
          s.request("fs.create", new JsonObject().put("path", "lib").put("type", "dir")));
      String v1 =
          SessionClient.ok(
                  s.request(
                      "fs.create",
                      new JsonObject()
                          .put("path", "lib/a.txt")
                          .put("type", "file")
                          .put("content", "one")))
              .getString("version");
      assertEquals(
          "exists",
          error(
              s.request(
                  "fs.create", new JsonObject().put("path", "lib/a.txt").put("type", "file"))));
      SessionClient.ok(
          s.request("fs.rename", new JsonObject().put("from", "lib/a.txt").put("to", "lib/b.txt")));
      JsonObject b =
          SessionClient.ok(s.request("fs.read", new JsonObject().put("path", "lib/b.txt")));
      assertEquals("one", b.getString("content"));
      assertEquals(v1, b.getString("version"), "a version names content, not a path");
      assertEquals(
          "not_found", error(s.request("fs.read", new JsonObject().put("path", "lib/a.txt"))));
      JsonArray lib =
          SessionClient.ok(s.request("fs.list", new JsonObject().put("path", "lib")))
              .getJsonArray("entries");
      assertEquals(1, lib.size());
      SessionClient.ok(s.request("fs.delete", new JsonObject().put("path", "lib")));
      assertEquals("not_found", error(s.request("fs.list", new JsonObject().put("path", "lib"))));
      assertTrue(pier.docker != null);
    }
  }

  @Test
  void editsTravelAsChangesAndAStaleSaveIsRefusedNotLost() {
    try (SessionClient a = SessionClient.connect(vertx, pier, slug);
        SessionClient b = SessionClient.connect(vertx, pier, slug)) {
      SessionClient.ok(
          a.request(
              "fs.create",
              new JsonObject()
                  .put("path", "notes.md")
                  .put("type", "file")
                  .put("content", "hello world\n")));
      String base =
          SessionClient.ok(a.request("fs.read", new JsonObject().put("path", "notes.md")))
              .getString("version");

      JsonObject edited =
          SessionClient.ok(
              a.request(
                  "fs.edit",
                  new JsonObject()
                      .put("path", "notes.md")
                      .put("baseVersion", base)
                      .put(
                          "changes",
                          new JsonArray()
                              .add(
                                  new JsonObject()
                                      .put("from", 0)
                                      .put("to", 5)
                                      .put("insert", "goodbye"))
                              .add(
                                  new JsonObject()
                                      .put("from", 11)
                                      .put("to", 11)
                                      .put("insert", "!")))));
      assertEquals(
          "goodbye world!\n",
          SessionClient.ok(b.request("fs.read", new JsonObject().put("path", "notes.md")))
              .getString("content"));

      JsonObject stale =
          b.request(
              "fs.edit",
              new JsonObject()
                  .put("path", "notes.md")
                  .put("baseVersion", base)
                  .put(
                      "changes",
                      new JsonArray()
                          .add(new JsonObject().put("from", 0).put("to", 0).put("insert", "X"))));
      assertEquals("conflict", stale.getString("error"));
      assertEquals(
          edited.getString("version"),
          stale.getString("version"),
          "the conflict names the current version");
      assertEquals(
          "conflict",
          error(
              b.request(
                  "fs.write",
                  new JsonObject()
                      .put("path", "notes.md")
                      .put("content", "mine")
                      .put("baseVersion", base))));
      assertEquals(
          "goodbye world!\n",
          SessionClient.ok(a.request("fs.read", new JsonObject().put("path", "notes.md")))
              .getString("content"),
          "refused saves write nothing");
      SessionClient.ok(
          b.request(
              "fs.write", new JsonObject().put("path", "notes.md").put("content", "overwritten")));
      assertEquals(
          "overwritten",
          SessionClient.ok(a.request("fs.read", new JsonObject().put("path", "notes.md")))
              .getString("content"));
    }
  }

  @Test
  void changesReachEverySessionIncludingFilesThatProcessesMake() {
    try (SessionClient a = SessionClient.connect(vertx, pier, slug);
        SessionClient b = SessionClient.connect(vertx, pier, slug)) {
      String aId = a.awaitEvent(e -> "hello".equals(e.getString("event"))).getString("session");
      SessionClient.ok(
          a.request(
              "fs.write", new JsonObject().put("path", "shared.txt").put("content", "from a")));
      JsonObject seen =
          b.awaitEvent(e -> "fs".equals(e.getString("event")) && changed(e, "shared.txt"));
      assertEquals(aId, seen.getString("origin"));

      int term =
          SessionClient.ok(a.request("term.open", new JsonObject().put("cols", 80).put("rows", 24)))
              .getInteger("term");
      a.sendInput(term, "mkdir -p out && echo made > out/by-shell.txt\n");
      JsonObject fromShell =
          b.awaitEvent(e -> "fs".equals(e.getString("event")) && changed(e, "out/by-shell.txt"));
      assertNull(fromShell.getString("origin"), "a process's change has no session origin");
      assertEquals(
          "made\n",
          SessionClient.ok(b.request("fs.read", new JsonObject().put("path", "out/by-shell.txt")))
              .getString("content"));
      SessionClient.ok(a.request("term.close", new JsonObject().put("term", term)));
    }
  }

  @Test
  void terminalsEchoResizeAndReplayAfterAReconnect() {
    int term;
    try (SessionClient first = SessionClient.connect(vertx, pier, slug)) {
      term =
          SessionClient.ok(
                  first.request("term.open", new JsonObject().put("cols", 80).put("rows", 24)))
              .getInteger("term");
      first.sendInput(term, "echo $((6*7))\n");
      first.awaitOutput(term, "42");
      SessionClient.ok(
          first.request(
              "term.resize", new JsonObject().put("term", term).put("cols", 101).put("rows", 33)));
      first.sendInput(term, "stty size\n");
      first.awaitOutput(term, "33 101");
    }
    try (SessionClient again = SessionClient.connect(vertx, pier, slug)) {
      JsonObject hello = again.awaitEvent(e -> "hello".equals(e.getString("event")));
      assertTrue(
          hello.getJsonArray("terminals").stream()
              .anyMatch(t -> ((JsonObject) t).getInteger("term") == term),
          "the terminal outlived the connection: " + hello.encode());
      SessionClient.ok(again.request("term.attach", new JsonObject().put("term", term)));
      assertTrue(again.awaitOutput(term, "42").contains("33 101"), "recent output replayed");
      again.sendInput(term, "echo still-here\n");
      again.awaitOutput(term, "still-here");
      SessionClient.ok(again.request("term.close", new JsonObject().put("term", term)));
    }
  }

  @Test
  void runRestartsAndItsOutputStreams() throws Exception {
    try (SessionClient s = SessionClient.connect(vertx, pier, slug)) {
      SessionClient.ok(s.request("run.stop"));
      s.awaitEvent(
          e -> "run".equals(e.getString("event")) && "stopped".equals(e.getString("state")));
      assertEquals(502, preview().statusCode(), "nothing answers while the run is stopped");
      s.clearOutput(0);
      SessionClient.ok(s.request("run.start"));
      s.awaitEvent(
          e -> "run".equals(e.getString("event")) && "running".equals(e.getString("state")));
      s.awaitOutput(0, "Listening on");
      assertEquals(200, preview().statusCode());
    }
  }

  @Test
  void badInputIsAnsweredAndTheSessionStaysUp() {
    try (SessionClient s = SessionClient.connect(vertx, pier, slug)) {
      s.sendRaw("this is not json");
      assertEquals(
          "bad_request",
          s.awaitEvent(e -> "error".equals(e.getString("event"))).getString("error"));
      assertEquals("bad_request", error(s.request("no.such.op")));
      assertEquals("bad_request", error(s.request("fs.read", new JsonObject().put("path", 42))));
      assertEquals(
          "bad_path",
          error(s.request("fs.read", new JsonObject().put("path", "../../etc/passwd"))));
      assertEquals(
          "bad_path", error(s.request("fs.read", new JsonObject().put("path", "/etc/passwd"))));
      assertEquals(
          "bad_path",
          error(
              s.request("fs.write", new JsonObject().put("path", "a/../../x").put("content", ""))));
      int term = SessionClient.ok(s.request("term.open", new JsonObject())).getInteger("term");
      // The marker is computed, so the terminal's echo of the command line cannot match it.
      s.sendInput(term, "ln -s / rootlink && echo linked-$((40+2))\n");
      s.awaitOutput(term, "linked-42");
      assertEquals(
          "bad_path",
          error(s.request("fs.read", new JsonObject().put("path", "rootlink/etc/passwd"))));
      assertEquals(
          "bad_path",
          error(
              s.request(
                  "fs.write", new JsonObject().put("path", "rootlink/tmp/x").put("content", "x"))));
      SessionClient.ok(s.request("fs.delete", new JsonObject().put("path", "rootlink")));
      assertEquals(
          "too_large",
          error(
              s.request(
                  "fs.write",
                  new JsonObject()
                      .put("path", "big.txt")
                      .put("content", "x".repeat(3 * 1024 * 1024)))));
      assertEquals(
          "no_such_terminal", error(s.request("term.resize", new JsonObject().put("term", 200))));
      SessionClient.ok(s.request("term.close", new JsonObject().put("term", term)));
      assertFalse(s.isClosed());
      SessionClient.ok(s.request("fs.list", new JsonObject().put("path", "")));
    }
  }

  @Test
  void aSessionWithoutATokenOrWithAnotherUsersIsRefused() throws Exception {
    Throwable anonymous = refused(null);
    assertTrue(anonymous.getMessage().contains("401"), anonymous.getMessage());
    String stranger =
        new TokenSigner(PierOnLoopback.AUTH_SECRET, Clock.systemUTC())
            .issue("mallory", false, Duration.ofMinutes(5));
    Throwable forbidden = refused(stranger);
    assertTrue(forbidden.getMessage().contains("403"), forbidden.getMessage());
    Throwable forged =
        refused(
            new TokenSigner("not-the-cluster-secret-at-all", Clock.systemUTC())
                .issue("e2e", false, Duration.ofMinutes(5)));
    assertTrue(forged.getMessage().contains("401"), forged.getMessage());
  }

  private static Throwable refused(String token) throws Exception {
    var options =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(pier.edgePort)
            .setURI("/api/repls/" + slug + "/session")
            .putHeader("Host", PierOnLoopback.DOMAIN)
            .setAllowOriginHeader(false);
    if (token != null) options.putHeader("Authorization", "Bearer " + token);
    // Held until the answer is in: Vert.x closes a client the garbage collector finds unreferenced.
    WebSocketClient client = vertx.createWebSocketClient();
    try {
      Throwable failure =
          client
              .connect(options)
              .toCompletionStage()
              .toCompletableFuture()
              .handle((ws, err) -> err)
              .get();
      if (failure == null) throw new AssertionError("the session was let in");
      return failure;
    } finally {
      client.close();
    }
  }

  @Test
  void aSessionToAReplThatDoesNotRunIsRefusedBeforeTheUpgrade() throws Exception {
    String stopped =
        new JsonObject(EdgeApi.send(pier, "POST", "/api/repls", "{\"template\":\"node\"}").body())
            .getString("slug");
    WebSocketClient client = vertx.createWebSocketClient();
    Throwable failure;
    try {
      failure =
          client
              .connect(
                  new WebSocketConnectOptions()
                      .setHost("127.0.0.1")
                      .setPort(pier.edgePort)
                      .setURI("/api/repls/" + stopped + "/session")
                      .putHeader("Host", PierOnLoopback.DOMAIN)
                      .setAllowOriginHeader(false))
              .toCompletionStage()
              .toCompletableFuture()
              .handle((ws, err) -> err)
              .get();
    } finally {
      client.close();
    }
    assertTrue(failure != null && failure.getMessage().contains("503"), String.valueOf(failure));
  }

  private static boolean changed(JsonObject event, String path) {
    return event.getJsonArray("changes").stream()
        .anyMatch(c -> ((JsonObject) c).getString("path").equals(path));
  }

  private static String error(JsonObject reply) {
    assertEquals(Boolean.FALSE, reply.getBoolean("ok"), reply.encode());
    assertNotEquals(null, reply.getString("message"));
    return reply.getString("error");
  }

  private static HttpResponse<String> preview() throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + "/"))
                .header("Host", slug + "." + PierOnLoopback.DOMAIN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
