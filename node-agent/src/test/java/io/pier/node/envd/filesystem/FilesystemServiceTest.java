package io.pier.node.envd.filesystem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code filesystem.Filesystem} on a workspace folder: the messages E2B's SDK sends and what it expects back. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FilesystemServiceTest {
  @TempDir Path temp;
  Path ws;
  Path outside;
  EnvdFixture fx;

  @BeforeEach
  void start() throws Exception {
    ws = Files.createDirectories(temp.resolve("blue-fox-1a2b3c"));
    outside = Files.createDirectories(temp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "secret");
    fx = new EnvdFixture(ws, Duration.ofSeconds(2));
  }

  @AfterEach
  void stop() throws Exception {
    fx.close();
  }

  @Test
  void statAnswersAnEntryInfoAndNotFoundForNothing() throws Exception {
    Files.writeString(ws.resolve("a.txt"), "hello");
    JsonObject entry = fx.unary("Stat", path("/home/user/a.txt")).getJsonObject("entry");
    assertEquals("a.txt", entry.getString("name"));
    assertEquals("/home/user/a.txt", entry.getString("path"));
    assertEquals("FILE_TYPE_FILE", entry.getString("type"));
    assertEquals("5", entry.getString("size"));
    assertEquals(
        "/workspace/a.txt",
        fx.unary("Stat", path("/workspace/a.txt")).getJsonObject("entry").getString("path"));
    assertEquals(
        "FILE_TYPE_DIRECTORY",
        fx.unary("Stat", path("/home/user")).getJsonObject("entry").getString("type"));
    assertEquals(ConnectCode.NOT_FOUND, fx.refused("Stat", path("missing.txt")).code());
    assertEquals(ConnectCode.INVALID_ARGUMENT, fx.refused("Stat", path("/etc/passwd")).code());
    assertEquals(
        ConnectCode.INVALID_ARGUMENT, fx.refused("Stat", new JsonObject().put("path", 7)).code());
  }

  @Test
  void linksAreReportedAsLinksAndNeverFollowed() throws Exception {
    Files.createSymbolicLink(ws.resolve("out"), outside);
    Files.createSymbolicLink(ws.resolve("secret.txt"), outside.resolve("secret.txt"));
    JsonObject link = fx.unary("Stat", path("secret.txt")).getJsonObject("entry");
    assertEquals("FILE_TYPE_SYMLINK", link.getString("type"));
    assertFalse(link.encode().contains(outside.toString()));
    assertEquals(ConnectCode.PERMISSION_DENIED, fx.refused("Stat", path("out/secret.txt")).code());
    assertEquals(ConnectCode.PERMISSION_DENIED, fx.refused("ListDir", path("out")).code());
    assertEquals(ConnectCode.PERMISSION_DENIED, fx.refused("MakeDir", path("out/x")).code());
    assertEquals(
        ConnectCode.PERMISSION_DENIED,
        fx.refused("Move", new JsonObject().put("source", "out/secret.txt").put("destination", "s"))
            .code());
    assertEquals(
        ConnectCode.PERMISSION_DENIED, fx.refused("Remove", path("out/secret.txt")).code());
    fx.unary("Remove", path("out"));
    assertTrue(Files.exists(outside.resolve("secret.txt")));
    assertFalse(Files.exists(ws.resolve("out"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void listDirGoesToTheDepthAskedInEnvdsOrderWithoutEnteringLinks() throws Exception {
    Files.createDirectories(ws.resolve("src/lib"));
    Files.writeString(ws.resolve("src/lib/deep.js"), "x");
    Files.writeString(ws.resolve("src/b.js"), "b");
    Files.writeString(ws.resolve("a.txt"), "a");
    Files.createSymbolicLink(ws.resolve("src/out"), outside);
    assertEquals(0, new ProcessBuilder("mkfifo", ws.resolve("pipe").toString()).start().waitFor());

    assertEquals(
        List.of("/home/user/a.txt", "/home/user/pipe", "/home/user/src"),
        paths(fx.unary("ListDir", path("/home/user"))));
    assertEquals(
        List.of(
            "/workspace/a.txt",
            "/workspace/pipe",
            "/workspace/src",
            "/workspace/src/b.js",
            "/workspace/src/lib",
            "/workspace/src/out"),
        paths(fx.unary("ListDir", path("/workspace").put("depth", 2))));
    JsonArray deep = fx.unary("ListDir", path("src").put("depth", 10)).getJsonArray("entries");
    assertEquals(
        List.of(
            "/home/user/src/b.js",
            "/home/user/src/lib",
            "/home/user/src/lib/deep.js",
            "/home/user/src/out"),
        paths(new JsonObject().put("entries", deep)));
    assertFalse(deep.encode().contains("secret"));
    JsonObject pipe = fx.unary("ListDir", path("")).getJsonArray("entries").getJsonObject(1);
    assertFalse(pipe.containsKey("type"), "a FIFO has no E2B type: " + pipe.encode());
    assertEquals(ConnectCode.INVALID_ARGUMENT, fx.refused("ListDir", path("a.txt")).code());
    assertEquals(ConnectCode.NOT_FOUND, fx.refused("ListDir", path("nothing")).code());
  }

  @Test
  void makeDirMakesTheFoldersOnTheWayAndSaysWhenOneExists() throws Exception {
    JsonObject made = fx.unary("MakeDir", path("/home/user/x/y/z")).getJsonObject("entry");
    assertEquals("FILE_TYPE_DIRECTORY", made.getString("type"));
    assertEquals("/home/user/x/y/z", made.getString("path"));
    assertTrue(Files.isDirectory(ws.resolve("x/y/z")));
    assertTrue(fx.journalled.contains("x/y/z"));
    assertEquals(ConnectCode.ALREADY_EXISTS, fx.refused("MakeDir", path("x/y")).code());
    assertEquals(ConnectCode.ALREADY_EXISTS, fx.refused("MakeDir", path("/home/user")).code());
    Files.writeString(ws.resolve("f"), "f");
    assertEquals(ConnectCode.INVALID_ARGUMENT, fx.refused("MakeDir", path("f")).code());
  }

  @Test
  void moveRenamesIntoNewFoldersAndNeverReplaces() throws Exception {
    Files.writeString(ws.resolve("a.txt"), "a");
    Files.writeString(ws.resolve("b.txt"), "b");
    JsonObject moved =
        fx.unary(
                "Move",
                new JsonObject().put("source", "a.txt").put("destination", "/workspace/d/e/a2.txt"))
            .getJsonObject("entry");
    assertEquals("/workspace/d/e/a2.txt", moved.getString("path"));
    assertEquals("a", Files.readString(ws.resolve("d/e/a2.txt")));
    assertTrue(fx.journalled.containsAll(List.of("a.txt", "d/e/a2.txt")));
    assertEquals(
        ConnectCode.ALREADY_EXISTS,
        fx.refused("Move", new JsonObject().put("source", "b.txt").put("destination", "d/e/a2.txt"))
            .code());
    assertEquals(
        ConnectCode.NOT_FOUND,
        fx.refused("Move", new JsonObject().put("source", "gone").put("destination", "g")).code());
  }

  @Test
  void removeDeletesTreesAndNothingIsNoError() throws Exception {
    Files.createDirectories(ws.resolve("d/e"));
    Files.writeString(ws.resolve("d/e/f.txt"), "f");
    fx.unary("Remove", path("/home/user/d"));
    assertFalse(Files.exists(ws.resolve("d")));
    assertTrue(fx.journalled.contains("d"));
    assertEquals(new JsonObject(), fx.unary("Remove", path("d")));
    assertEquals(ConnectCode.INVALID_ARGUMENT, fx.refused("Remove", path("/home/user")).code());
    assertTrue(Files.isDirectory(ws));
  }

  @Test
  void watchDirStartsThenReportsChangesBelowTheFolder() throws Exception {
    Files.createDirectories(ws.resolve("w/sub"));
    EnvdFixture.RecordingSink flat = fx.stream("WatchDir", path("w"));
    EnvdFixture.RecordingSink deep =
        fx.stream("WatchDir", path("/workspace/w").put("recursive", true));
    assertEquals(new JsonObject().put("start", new JsonObject()), flat.next());
    assertEquals(new JsonObject().put("start", new JsonObject()), deep.next());
    Files.writeString(ws.resolve("w/sub/inner.txt"), "i");
    Files.writeString(ws.resolve("w/top.txt"), "t");
    JsonObject inner =
        new JsonObject().put("name", "sub/inner.txt").put("type", "EVENT_TYPE_CREATE");
    JsonObject top = new JsonObject().put("name", "top.txt").put("type", "EVENT_TYPE_CREATE");
    Set<JsonObject> deepSeen = new HashSet<>();
    while (!deepSeen.containsAll(List.of(inner, top))) deepSeen.add(deep.nextEvent());
    // Without recursive, only the folder's own entries: the file in sub/ is not reported.
    List<JsonObject> flatSeen = new ArrayList<>();
    while (!flatSeen.contains(top)) flatSeen.add(flat.nextEvent());
    Files.delete(ws.resolve("w/top.txt"));
    JsonObject removed = new JsonObject().put("name", "top.txt").put("type", "EVENT_TYPE_REMOVE");
    while (!flatSeen.contains(removed)) flatSeen.add(flat.nextEvent());
    assertTrue(
        flatSeen.stream().noneMatch(e -> e.getString("name").contains("/")), flatSeen.toString());
    flat.leave();
    deep.leave();
    assertEquals(ConnectCode.NOT_FOUND, await(fx.stream("WatchDir", path("nothing"))).code());
  }

  @Test
  void pollingWatchersGiveEventsSinceTheLastPollAndExpire() throws Exception {
    String id = fx.unary("CreateWatcher", path("/home/user")).getString("watcherId");
    Files.writeString(ws.resolve("p.txt"), "p");
    JsonArray events = new JsonArray();
    while (events.isEmpty()) {
      events.addAll(
          fx.unary("GetWatcherEvents", new JsonObject().put("watcherId", id))
              .getJsonArray("events"));
    }
    assertEquals(
        new JsonObject().put("name", "p.txt").put("type", "EVENT_TYPE_CREATE"),
        events.getJsonObject(0));
    fx.unary("RemoveWatcher", new JsonObject().put("watcherId", id));
    assertEquals(
        ConnectCode.NOT_FOUND,
        fx.refused("GetWatcherEvents", new JsonObject().put("watcherId", id)).code());
    String idle = fx.unary("CreateWatcher", path("")).getString("watcherId");
    // Not polled for longer than the expiry (2 s here): removed by the sweep.
    EnvdFixture.eventually(() -> fx.service.openWatches() == 0);
    assertEquals(
        ConnectCode.NOT_FOUND,
        fx.refused("GetWatcherEvents", new JsonObject().put("watcher_id", idle)).code());
  }

  @Test
  void aReplHoldsAtMostEightWatches() {
    for (int i = 0; i < FilesystemService.WATCHES_PER_REPL; i++)
      fx.unary("CreateWatcher", path(""));
    assertEquals(ConnectCode.RESOURCE_EXHAUSTED, fx.refused("CreateWatcher", path("")).code());
  }

  private static ConnectException await(EnvdFixture.RecordingSink sink) {
    EnvdFixture.eventually(() -> sink.failure != null);
    return sink.failure;
  }

  private static JsonObject path(String path) {
    return new JsonObject().put("path", path);
  }

  private static List<String> paths(JsonObject listing) {
    return listing.getJsonArray("entries").stream()
        .map(e -> ((JsonObject) e).getString("path"))
        .collect(Collectors.toList());
  }
}
