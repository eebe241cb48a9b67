package io.pier.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sharing through the client library, checked against a fake Pier: the routes and bodies sent, the answers read. */
class CollaboratorsTest {
  private static final String SHARED_REPL =
      "{\"slug\":\"blue-fox-1a2b3c\",\"template\":\"node\",\"state\":\"running\",\"owner\":\"ada\","
          + "\"role\":\"viewer\",\"forkable\":false}";

  private final ObjectMapper json = new ObjectMapper();
  private final FakePier fake;
  private final PierClient pier;

  CollaboratorsTest() throws Exception {
    fake = new FakePier();
    pier = PierClient.connect(fake.url(), "pier_abc_secret");
  }

  @AfterEach
  void close() {
    fake.close();
  }

  @Test
  void invitePutsTheRoleUnderTheAccountsEntry() throws Exception {
    fake.answer(
        "PUT /api/repls/blue-fox-1a2b3c/collaborators/bob",
        200,
        "{\"account\":\"bob\",\"role\":\"editor\"}");
    Collaborators.Collaborator shared =
        pier.collaborators().invite("blue-fox-1a2b3c", "bob", Collaborators.Role.EDITOR);
    assertEquals(new Collaborators.Collaborator("bob", "editor"), shared);
    assertEquals("{\"role\":\"editor\"}", fake.last().bodyText());
    assertEquals("application/json", fake.last().header("Content-type"));
  }

  @Test
  void listReadsTheOwnerAndEachCollaborator() {
    fake.answer(
        "GET /api/repls/blue-fox-1a2b3c/collaborators",
        200,
        "{\"owner\":\"ada\",\"collaborators\":[{\"account\":\"bob\",\"role\":\"editor\"},"
            + "{\"account\":\"cy\",\"role\":\"viewer\"}]}");
    Collaborators.Sharing sharing = pier.collaborators().list("blue-fox-1a2b3c");
    assertEquals("ada", sharing.owner());
    assertEquals(
        List.of(
            new Collaborators.Collaborator("bob", "editor"),
            new Collaborators.Collaborator("cy", "viewer")),
        sharing.collaborators());
  }

  @Test
  void revokeDeletesTheAccountsEntryEncodingItsName() {
    fake.answer(
        "DELETE /api/repls/blue-fox-1a2b3c/collaborators/a%2Fb",
        200, "{\"account\":\"a/b\",\"removed\":true}");
    pier.collaborators().revoke("blue-fox-1a2b3c", "a/b");
    assertEquals("/api/repls/blue-fox-1a2b3c/collaborators/a%2Fb", fake.last().target());
  }

  @Test
  void leaveRemovesTheCallersOwnEntry() {
    fake.answer("GET /api/auth/me", 200, "{\"username\":\"bob\",\"admin\":false}");
    fake.answer(
        "DELETE /api/repls/blue-fox-1a2b3c/collaborators/bob",
        200,
        "{\"account\":\"bob\",\"removed\":true}");
    pier.collaborators().leave("blue-fox-1a2b3c");
    assertEquals("DELETE", fake.last().method());
    assertEquals("/api/repls/blue-fox-1a2b3c/collaborators/bob", fake.last().target());
  }

  @Test
  void aRefusalIsAPierExceptionWithItsCode() {
    fake.answer(
        "PUT /api/repls/blue-fox-1a2b3c/collaborators/nobody",
        404,
        "{\"error\":\"unknown_account\",\"message\":\"no account named 'nobody'\"}");
    PierException e =
        assertThrows(
            PierException.class,
            () ->
                pier.collaborators()
                    .invite("blue-fox-1a2b3c", "nobody", Collaborators.Role.VIEWER));
    assertEquals(404, e.status());
    assertEquals("unknown_account", e.code());
  }

  @Test
  void sharedListsTheReplsSharedWithTheAccountWithOwnerAndRole() {
    fake.answer("GET /api/repls?scope=shared", 200, "{\"repls\":[" + SHARED_REPL + "]}");
    List<Repl> shared = pier.repls().shared();
    assertEquals(1, shared.size());
    assertEquals("ada", shared.get(0).owner());
    assertEquals("viewer", shared.get(0).role());

    fake.answer("GET /api/repls?scope=shared&label=ci=1", 200, "{\"repls\":[]}");
    assertEquals(List.of(), pier.repls().shared("ci=1"));
  }

  @Test
  void aReplWithoutRoleOrOwnerAnswersNull() {
    fake.answer(
        "GET /api/repls/blue-fox-1a2b3c",
        200,
        "{\"slug\":\"blue-fox-1a2b3c\",\"template\":\"node\",\"state\":\"stopped\"}");
    Repl repl = pier.repls().get("blue-fox-1a2b3c");
    assertNull(repl.role());
    assertNull(repl.owner());
  }

  @Test
  void forkablePatchesTheFlag() throws Exception {
    fake.answer(
        "PATCH /api/repls/blue-fox-1a2b3c",
        200,
        SHARED_REPL.replace("\"forkable\":false", "\"forkable\":true"));
    Repl repl = pier.repls().forkable("blue-fox-1a2b3c", true);
    assertEquals(true, repl.json().path("forkable").asBoolean());
    assertEquals(true, json.readTree(fake.last().body()).path("forkable").asBoolean());
  }
}
