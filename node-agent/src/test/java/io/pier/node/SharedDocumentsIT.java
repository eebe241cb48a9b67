package io.pier.node;

import static io.pier.node.session.TestSession.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.repl.ReplRole;
import io.pier.node.limits.SessionLimits;
import io.pier.node.session.TestSession;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Co-editing against a real node-agent and a real repl in dockerd (docs/protocol.md#co-editing): two sessions push
 * changes made on the same version, the late one rebases as the editor's collab plugin would, both see every update,
 * and the file in the workspace ends equal to the text; a viewer follows but cannot push; a link planted in the
 * workspace is never opened.
 */
class SharedDocumentsIT {
  private static final String SLUG = "coedit";
  private static NodeAgentFixture node;
  private final List<TestSession> sessions = new ArrayList<>();

  @BeforeAll
  static void startNodeAndRepl() throws Exception {
    node = NodeAgentFixture.start(SessionLimits.DEFAULT);
    node.startRepl(SLUG);
    node.shareAsAlice(SLUG, Map.of("bob", ReplRole.EDITOR, "vic", ReplRole.VIEWER));
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (node != null) node.close();
  }

  @AfterEach
  void closeSessions() {
    sessions.forEach(TestSession::close);
  }

  private TestSession open(String user) throws Exception {
    TestSession s = TestSession.connect(node.vertx(), node.port(), SLUG, node.token(user, false));
    sessions.add(s);
    return s;
  }

  private static JsonObject op(String op, String path) {
    return new JsonObject().put("op", op).put("path", path);
  }

  /** An insert of {@code s} at {@code at} into a text {@code length} long, as ChangeSet.toJSON() writes it. */
  private static JsonArray insert(int length, int at, String s) {
    JsonArray a = new JsonArray();
    if (at > 0) a.add(at);
    a.add(new JsonArray().add(0).add(s));
    if (length - at > 0) a.add(length - at);
    return a;
  }

  private static JsonObject push(String path, int version, String client, JsonArray changes) {
    return op("doc.push", path)
        .put("version", version)
        .put(
            "updates",
            new JsonArray().add(new JsonObject().put("clientID", client).put("changes", changes)));
  }

  private static long updates(TestSession s, int version) {
    return s.events.stream()
        .filter(
            e -> "doc.update".equals(e.getString("event")) && e.getInteger("version") >= version)
        .count();
  }

  @Test
  void twoEditorsTypeOnTheSameVersionAndTheFileOnDiskEndsEqualToTheText() throws Exception {
    Path file = node.workspace(SLUG).resolve("shared.txt");
    Files.writeString(file, "line\n");
    TestSession alice = open("alice");
    TestSession bob = open("bob");
    JsonObject a = alice.call(op("doc.open", "shared.txt"));
    JsonObject b = bob.call(op("doc.open", "shared.txt"));
    assertTrue(a.getBoolean("ok"), a.encode());
    assertEquals("line\n", a.getString("text"));
    assertEquals(0, b.getInteger("version"));

    // Both type into version 0 at once; the one that comes second is refused and rebases.
    JsonObject first = alice.call(push("shared.txt", 0, "alice-1", insert(5, 0, "A")));
    JsonObject second = bob.call(push("shared.txt", 0, "bob-1", insert(5, 4, "B")));
    assertTrue(first.getBoolean("accepted"), first.encode());
    assertFalse(second.getBoolean("accepted"), second.encode());
    assertEquals(1, second.getInteger("version"));
    await(() -> updates(bob, 1) == 1, "bob sees alice's update");
    JsonObject rebased = bob.call(push("shared.txt", 1, "bob-1", insert(6, 5, "B")));
    assertTrue(rebased.getBoolean("accepted"), rebased.encode());
    await(() -> updates(alice, 2) == 1, "alice sees bob's update");

    JsonObject flushed = alice.call(op("doc.flush", "shared.txt"));
    assertTrue(flushed.getBoolean("ok"), flushed.encode());
    assertEquals("AlineB\n", Files.readString(file));
    JsonObject read = bob.call(op("fs.read", "shared.txt"));
    assertEquals("AlineB\n", read.getString("content"));
    assertEquals(read.getString("version"), flushed.getString("version"));

    // Written behind without a flush, too.
    bob.call(push("shared.txt", 2, "bob-1", insert(7, 7, "more\n")));
    await(
        () -> {
          try {
            return Files.readString(file).equals("AlineB\nmore\n");
          } catch (Exception e) {
            return false;
          }
        },
        "the write-behind");

    // A change made on disk (a terminal, another program) reaches both editors as an update.
    JsonObject saved =
        alice.call(op("fs.write", "shared.txt").put("content", "AlineB\nmore\nfrom disk\n"));
    assertTrue(saved.getBoolean("ok"), saved.encode());
    await(() -> updates(bob, 4) == 1, "the disk's change as an update");
  }

  @Test
  void aViewerFollowsTheDocumentButItsPushIsRefused() throws Exception {
    Files.writeString(node.workspace(SLUG).resolve("view.txt"), "x");
    TestSession vic = open("vic");
    JsonObject opened = vic.call(op("doc.open", "view.txt"));
    assertTrue(opened.getBoolean("ok"), opened.encode());
    JsonObject refused = vic.call(push("view.txt", 0, "vic", insert(1, 0, "V")));
    assertFalse(refused.getBoolean("ok"));
    assertEquals("forbidden", refused.getString("error"), refused.encode());
    assertTrue(refused.getString("message").contains("viewer"), refused.encode());
    assertTrue(
        vic.call(new JsonObject().put("op", "presence").put("path", "view.txt")).getBoolean("ok"));
    assertEquals("x", Files.readString(node.workspace(SLUG).resolve("view.txt")));
  }

  @Test
  void aLinkPlantedInTheWorkspaceIsNeverOpened() throws Exception {
    Path workspace = node.workspace(SLUG);
    Files.writeString(workspace.resolve("secret-target.txt"), "not through a link");
    Files.deleteIfExists(workspace.resolve("link.txt"));
    Files.createSymbolicLink(workspace.resolve("link.txt"), Path.of("/etc/hostname"));
    Files.deleteIfExists(workspace.resolve("dirlink"));
    Files.createSymbolicLink(workspace.resolve("dirlink"), Path.of("/etc"));
    TestSession alice = open("alice");
    for (String path :
        List.of("link.txt", "dirlink/hostname", "../coedit/link.txt", "/etc/passwd")) {
      JsonObject refused = alice.call(op("doc.open", path));
      assertFalse(refused.getBoolean("ok"), path + ": " + refused.encode());
      assertEquals("bad_path", refused.getString("error"), path + ": " + refused.encode());
    }
  }

  @Test
  void presenceSaysWhoIsHereAndWhatEachHasOpen() throws Exception {
    TestSession alice = open("alice");
    TestSession bob = open("bob");
    JsonObject sel =
        new JsonObject()
            .put("version", 0)
            .put("ranges", new JsonArray().add(new JsonObject().put("anchor", 1).put("head", 3)));
    assertTrue(
        bob.call(new JsonObject().put("op", "presence").put("path", "a.txt").put("selection", sel))
            .getBoolean("ok"));
    await(
        () ->
            alice.events.stream()
                .filter(e -> "presence".equals(e.getString("event")))
                .anyMatch(
                    e ->
                        e.getJsonArray("users").stream()
                            .map(JsonObject.class::cast)
                            .anyMatch(
                                u ->
                                    "bob".equals(u.getString("user"))
                                        && "a.txt".equals(u.getString("path"))
                                        && u.getString("color").startsWith("#")
                                        && u.getJsonObject("selection") != null)),
        "alice sees bob in a.txt");
  }
}
