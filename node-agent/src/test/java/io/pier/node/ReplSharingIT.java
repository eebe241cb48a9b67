package io.pier.node;

import static io.pier.node.session.TestSession.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.config.Mains;
import io.pier.common.repl.ReplRole;
import io.pier.node.limits.SessionLimits;
import io.pier.node.session.SessionSocket;
import io.pier.node.session.TestSession;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sharing against a real node-agent running a real repl in dockerd: the owner shares it with a viewer and an editor;
 * every session operation, terminal keystroke and API call follows the caller's role, a stranger gets nothing, and a
 * role changed or taken back holds on sessions already open.
 */
class ReplSharingIT {
  private static final String SLUG = "shared";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static NodeAgentFixture node;
  private final List<TestSession> sessions = new ArrayList<>();

  @BeforeAll
  static void startNodeAndRepl() throws Exception {
    node = NodeAgentFixture.start(SessionLimits.DEFAULT);
    node.startRepl(SLUG);
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (node != null) node.close();
  }

  @BeforeEach
  void shareWithBobAsViewerAndCarolAsEditor() throws Exception {
    share(Map.of("bob", ReplRole.VIEWER, "carol", ReplRole.EDITOR));
    Files.writeString(node.workspace(SLUG).resolve("notes.txt"), "by alice\n");
  }

  @AfterEach
  void closeSessions() {
    sessions.forEach(TestSession::close);
  }

  private static void share(Map<String, ReplRole> collaborators) throws Exception {
    node.shareAsAlice(SLUG, collaborators);
  }

  private static String token(String user) {
    return node.token(user, false);
  }

  private TestSession open(String user) throws Exception {
    TestSession session = TestSession.connect(node.vertx(), node.port(), SLUG, token(user));
    sessions.add(session);
    return session;
  }

  private static JsonObject op(String op) {
    return new JsonObject().put("op", op);
  }

  private static HttpResponse<String> call(String user, String method, String path, String body)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
            .header("Authorization", "Bearer " + token(user))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertForbidden(JsonObject reply) {
    assertFalse(reply.getBoolean("ok"), reply.encode());
    assertEquals("forbidden", reply.getString("error"), reply.encode());
  }

  @Test
  void aViewerReadsFilesAndWatchesTheOwnersTerminalButCannotChangeRunOrType() throws Exception {
    TestSession alice = open("alice");
    TestSession bob = open("bob");
    int term = alice.call(op("term.open").put("cols", 80).put("rows", 24)).getInteger("term");

    JsonObject read = bob.call(op("fs.read").put("path", "notes.txt"));
    assertTrue(read.getBoolean("ok"), read.encode());
    assertEquals("by alice\n", read.getString("content"));
    assertTrue(bob.call(op("fs.list").put("path", "")).getBoolean("ok"));
    assertTrue(bob.call(op("term.attach").put("term", term)).getBoolean("ok"));

    assertForbidden(bob.call(op("fs.write").put("path", "notes.txt").put("content", "by bob")));
    assertForbidden(bob.call(op("fs.create").put("path", "bob.txt").put("type", "file")));
    assertForbidden(bob.call(op("fs.delete").put("path", "notes.txt")));
    assertForbidden(bob.call(op("fs.rename").put("from", "notes.txt").put("to", "gone.txt")));
    assertForbidden(bob.call(op("term.open").put("cols", 80).put("rows", 24)));
    assertForbidden(bob.call(op("term.resize").put("term", term).put("cols", 20).put("rows", 5)));
    assertForbidden(bob.call(op("term.close").put("term", term)));
    assertForbidden(bob.call(op("run.start")));
    assertForbidden(bob.call(op("run.stop")));

    // Keys a viewer types into the owner's shell never reach it; the owner's output reaches the
    // viewer.
    bob.input(term, "touch /workspace/typed-by-bob\r");
    await(
        () ->
            bob.events.stream()
                .anyMatch(
                    e ->
                        "error".equals(e.getString("event"))
                            && "forbidden".equals(e.getString("error"))),
        "an error event for the viewer's keys");
    alice.input(term, "ls /workspace; echo listed-$((6*7))\r");
    await(() -> bob.recent(term).contains("listed-42"), "the viewer sees the owner's terminal");
    assertFalse(alice.recent(term).contains("typed-by-bob"), alice.recent(term));
    assertFalse(Files.exists(node.workspace(SLUG).resolve("typed-by-bob")));
    assertEquals("by alice\n", Files.readString(node.workspace(SLUG).resolve("notes.txt")));
    assertTrue(alice.call(op("term.close").put("term", term)).getBoolean("ok"));
  }

  @Test
  void aViewersApiCallsThatChangeOrRunAreRefusedWith403AndReadsPass() throws Exception {
    HttpResponse<String> read = call("bob", "GET", "/api/repls/" + SLUG + "/files/notes.txt", null);
    assertEquals(200, read.statusCode(), read.body());
    assertEquals("by alice\n", read.body());
    for (HttpResponse<String> refused :
        List.of(
            call("bob", "PUT", "/api/repls/" + SLUG + "/files/notes.txt", "by bob"),
            call("bob", "DELETE", "/api/repls/" + SLUG + "/files/notes.txt", null),
            call("bob", "POST", "/api/repls/" + SLUG + "/exec", "{\"cmd\":[\"true\"]}"),
            call("bob", "GET", "/api/repls/" + SLUG + "/processes", null))) {
      assertEquals(403, refused.statusCode(), refused.body());
      JsonObject body = new JsonObject(refused.body());
      assertEquals("forbidden", body.getString("error"));
      assertTrue(body.getString("message").contains("viewer"), body.encode());
    }
    assertEquals("by alice\n", Files.readString(node.workspace(SLUG).resolve("notes.txt")));
  }

  @Test
  void anEditorWritesRunsAndTypes() throws Exception {
    TestSession carol = open("carol");
    assertTrue(
        carol
            .call(op("fs.write").put("path", "notes.txt").put("content", "by carol\n"))
            .getBoolean("ok"));
    int term = carol.call(op("term.open").put("cols", 80).put("rows", 24)).getInteger("term");
    carol.input(term, "cat /workspace/notes.txt; echo typed-$((6*7))\r");
    await(() -> carol.recent(term).contains("typed-42"), "the editor's keys reach the shell");
    assertTrue(carol.recent(term).contains("by carol"));
    HttpResponse<String> exec =
        call("carol", "POST", "/api/repls/" + SLUG + "/exec", "{\"cmd\":[\"true\"]}");
    assertEquals(200, exec.statusCode(), exec.body());
    assertTrue(carol.call(op("term.close").put("term", term)).getBoolean("ok"));
  }

  @Test
  void aStrangerGetsNeitherASessionNorFiles() throws Exception {
    HttpResponse<String> files =
        call("mallory", "GET", "/api/repls/" + SLUG + "/files/notes.txt", null);
    assertEquals(403, files.statusCode());
    HttpResponse<String> session = node.sessionUpgrade(SLUG, token("mallory"));
    assertEquals(403, session.statusCode(), session.body());
  }

  @Test
  void aRoleChangedOrTakenBackHoldsOnSessionsAlreadyOpen() throws Exception {
    TestSession bob = open("bob");
    TestSession carol = open("carol");
    assertTrue(
        carol.call(op("fs.write").put("path", "c.txt").put("content", "1")).getBoolean("ok"));

    // Carol becomes a viewer, Bob loses his access: both hold on the open sessions.
    share(Map.of("carol", ReplRole.VIEWER));
    assertEquals(SessionSocket.ACCESS_REVOKED, Mains.await(bob.closed(), TestSession.WAIT));
    await(
        () -> {
          try {
            // Writes the same bytes until the new role is seen, so only the refusal below counts.
            JsonObject reply = carol.call(op("fs.write").put("path", "c.txt").put("content", "1"));
            return "forbidden".equals(reply.getString("error"));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        "the editor made a viewer is refused a write");
    JsonObject refused = carol.call(op("fs.write").put("path", "c.txt").put("content", "2"));
    assertEquals("forbidden", refused.getString("error"), refused.encode());
    assertEquals("1", Files.readString(node.workspace(SLUG).resolve("c.txt")));
    assertTrue(carol.call(op("fs.read").put("path", "c.txt")).getBoolean("ok"));
  }
}
