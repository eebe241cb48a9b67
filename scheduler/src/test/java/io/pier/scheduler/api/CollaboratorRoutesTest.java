package io.pier.scheduler.api;

import static io.pier.scheduler.api.ApiServer.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sharing a repl ({@code /api/repls/<slug>/collaborators}, {@code GET /api/repls?scope=shared}) over the scheduler's
 * whole API with fakes for the cluster and storage. The accounts are signed up, as sharing checks that the invited
 * account exists.
 */
class CollaboratorRoutesTest {
  private static final String PASSWORD = "correct horse";

  private ApiServer api;
  private String alice;
  private String bob;
  private String carol;
  private String slug;

  @BeforeEach
  void serve() throws Exception {
    api = new ApiServer();
    alice = signUp("alice");
    bob = signUp("bob");
    carol = signUp("carol");
    slug = createRepl(alice);
  }

  @AfterEach
  void close() throws Exception {
    api.close();
  }

  private String signUp(String username) throws Exception {
    String credentials =
        new JsonObject().put("username", username).put("password", PASSWORD).encode();
    HttpResponse<String> resp = api.send("POST", "/api/auth/signup", credentials, null);
    assertEquals(201, resp.statusCode(), resp.body());
    return new JsonObject(resp.body()).getString("token");
  }

  private String createRepl(String bearer) throws Exception {
    HttpResponse<String> resp = api.send("POST", "/api/repls", "{\"template\":\"node\"}", bearer);
    assertEquals(201, resp.statusCode(), resp.body());
    return new JsonObject(resp.body()).getString("slug");
  }

  private HttpResponse<String> share(String account, String role, String bearer) throws Exception {
    return api.send(
        "PUT",
        "/api/repls/" + slug + "/collaborators/" + account,
        new JsonObject().put("role", role).encode(),
        bearer);
  }

  private void shareOk(String account, String role) throws Exception {
    HttpResponse<String> resp = share(account, role, alice);
    assertEquals(200, resp.statusCode(), resp.body());
    assertEquals(
        new JsonObject().put("account", account).put("role", role), new JsonObject(resp.body()));
  }

  /** The collaborators as {@code GET .../collaborators} answers them to {@code bearer}. */
  private JsonObject collaborators(String bearer) throws Exception {
    HttpResponse<String> resp =
        api.send("GET", "/api/repls/" + slug + "/collaborators", null, bearer);
    assertEquals(200, resp.statusCode(), resp.body());
    return new JsonObject(resp.body());
  }

  private static JsonArray entries(String... accountRolePairs) {
    JsonArray list = new JsonArray();
    for (int i = 0; i < accountRolePairs.length; i += 2)
      list.add(
          new JsonObject()
              .put("account", accountRolePairs[i])
              .put("role", accountRolePairs[i + 1]));
    return list;
  }

  private List<JsonObject> shared(String bearer) throws Exception {
    HttpResponse<String> resp = api.send("GET", "/api/repls?scope=shared", null, bearer);
    assertEquals(200, resp.statusCode(), resp.body());
    JsonArray repls = new JsonObject(resp.body()).getJsonArray("repls");
    return repls.stream().map(JsonObject.class::cast).toList();
  }

  @Test
  void theOwnerInvitesAnEditorAndAViewerAndEveryoneOfThemSeesTheList() throws Exception {
    shareOk("bob", "editor");
    shareOk("carol", "viewer");

    JsonObject expected =
        new JsonObject()
            .put("owner", "alice")
            .put("collaborators", entries("bob", "editor", "carol", "viewer"));
    assertEquals(expected, collaborators(alice));
    assertEquals(expected, collaborators(bob));
    assertEquals(expected, collaborators(carol));

    HttpResponse<String> repl = api.send("GET", "/api/repls/" + slug, null, carol);
    assertEquals(200, repl.statusCode(), repl.body());
    assertEquals("viewer", new JsonObject(repl.body()).getString("role"));
    assertEquals(
        entries("bob", "editor", "carol", "viewer"),
        new JsonObject(repl.body()).getJsonArray("collaborators"));
  }

  @Test
  void theOwnerChangesARoleAndTheNewOneHoldsAtOnce() throws Exception {
    shareOk("bob", "viewer");
    assertError(api.send("POST", "/api/repls/" + slug + "/stop", null, bob), 403, "forbidden");

    shareOk("bob", "editor");
    assertEquals(entries("bob", "editor"), collaborators(alice).getJsonArray("collaborators"));
    HttpResponse<String> stop = api.send("POST", "/api/repls/" + slug + "/stop", null, bob);
    assertEquals(200, stop.statusCode(), stop.body());
  }

  @Test
  void theOwnerRevokesAndTheAccountLosesAccess() throws Exception {
    shareOk("bob", "editor");
    HttpResponse<String> revoked =
        api.send("DELETE", "/api/repls/" + slug + "/collaborators/bob", null, alice);
    assertEquals(200, revoked.statusCode(), revoked.body());
    assertEquals(
        new JsonObject().put("account", "bob").put("removed", true),
        new JsonObject(revoked.body()));

    assertTrue(collaborators(alice).getJsonArray("collaborators").isEmpty());
    assertError(api.send("GET", "/api/repls/" + slug, null, bob), 403, "forbidden");
    assertTrue(shared(bob).isEmpty());
    assertError(
        api.send("DELETE", "/api/repls/" + slug + "/collaborators/bob", null, alice),
        404,
        "not_a_collaborator");
  }

  @Test
  void aCollaboratorLeavesButCannotRemoveAnother() throws Exception {
    shareOk("bob", "editor");
    shareOk("carol", "viewer");

    // An editor manages nothing: only its own entry is its to remove.
    assertError(
        api.send("DELETE", "/api/repls/" + slug + "/collaborators/carol", null, bob),
        403,
        "forbidden");
    HttpResponse<String> left =
        api.send("DELETE", "/api/repls/" + slug + "/collaborators/carol", null, carol);
    assertEquals(200, left.statusCode(), left.body());

    assertEquals(entries("bob", "editor"), collaborators(alice).getJsonArray("collaborators"));
    assertError(api.send("GET", "/api/repls/" + slug, null, carol), 403, "forbidden");
    // Once gone, leaving again is a repl carol has no part in.
    assertError(
        api.send("DELETE", "/api/repls/" + slug + "/collaborators/carol", null, carol),
        403,
        "forbidden");
  }

  @Test
  void anAccountThatDoesNotExistIsNotInvited() throws Exception {
    JsonObject error = assertError(share("nobody", "viewer", alice), 404, "unknown_account");
    assertTrue(error.getString("message").contains("nobody"), error.encode());
    assertTrue(collaborators(alice).getJsonArray("collaborators").isEmpty());
  }

  @Test
  void theOwnerIsNoCollaboratorOfTheirOwnRepl() throws Exception {
    assertError(share("alice", "editor", alice), 400, "invalid_collaborator");
    assertTrue(collaborators(alice).getJsonArray("collaborators").isEmpty());
  }

  @Test
  void aRoleOtherThanEditorOrViewerIsRefusedNamingTheField() throws Exception {
    for (String body : List.of("{\"role\":\"owner\"}", "{\"role\":\"admin\"}", "{\"role\":7}")) {
      JsonObject error =
          assertError(
              api.send("PUT", "/api/repls/" + slug + "/collaborators/bob", body, alice),
              400,
              "invalid_role");
      assertTrue(error.getString("message").contains("role"), body + ": " + error.encode());
    }
    // Without one, the contract's check answers first, naming it too.
    JsonObject missing =
        assertError(
            api.send("PUT", "/api/repls/" + slug + "/collaborators/bob", "{}", alice),
            400,
            "invalid_request");
    assertTrue(missing.getString("message").contains("\"role\""), missing.encode());
    assertError(
        api.send(
            "PUT",
            "/api/repls/" + slug + "/collaborators/bob",
            "{\"role\":\"viewer\",\"owner\":\"bob\"}",
            alice),
        400,
        "invalid_request");
    assertError(
        api.send("PUT", "/api/repls/" + slug + "/collaborators/bob", "[1]", alice),
        400,
        "malformed_json");
    assertTrue(collaborators(alice).getJsonArray("collaborators").isEmpty());
  }

  @Test
  void onlyTheOwnerInvitesNotAnEditorNorAViewerNorAStranger() throws Exception {
    assertError(share("carol", "viewer", bob), 403, "forbidden");

    shareOk("bob", "viewer");
    JsonObject error = assertError(share("carol", "viewer", bob), 403, "forbidden");
    assertTrue(error.getString("message").contains("viewer"), error.encode());
    shareOk("bob", "editor");
    assertError(share("carol", "editor", bob), 403, "forbidden");
    // Nor may a collaborator raise its own role.
    assertError(
        api.send("PUT", "/api/repls/" + slug + "/collaborators/bob", "{\"role\":\"editor\"}", bob),
        403,
        "forbidden");

    assertEquals(entries("bob", "editor"), collaborators(alice).getJsonArray("collaborators"));
  }

  @Test
  void aStrangerNeitherListsNorRemoves() throws Exception {
    shareOk("bob", "viewer");
    assertError(
        api.send("GET", "/api/repls/" + slug + "/collaborators", null, carol), 403, "forbidden");
    assertError(
        api.send("DELETE", "/api/repls/" + slug + "/collaborators/bob", null, carol),
        403,
        "forbidden");
    assertEquals(entries("bob", "viewer"), collaborators(alice).getJsonArray("collaborators"));
  }

  @Test
  void anUnknownReplIs404OnEveryRoute() throws Exception {
    String at = "/api/repls/no-such-repl/collaborators";
    assertError(api.send("GET", at, null, alice), 404, "unknown_repl");
    assertError(api.send("PUT", at + "/bob", "{\"role\":\"viewer\"}", alice), 404, "unknown_repl");
    assertError(api.send("DELETE", at + "/bob", null, alice), 404, "unknown_repl");
    assertError(api.send("DELETE", at + "/bob", null, bob), 404, "unknown_repl");
  }

  @Test
  void theSharedListHasTheReplsSharedWithTheCallerWithItsRole() throws Exception {
    String other = createRepl(alice);
    String bobsOwn = createRepl(bob);
    shareOk("bob", "editor");
    HttpResponse<String> second =
        api.send(
            "PUT", "/api/repls/" + other + "/collaborators/bob", "{\"role\":\"viewer\"}", alice);
    assertEquals(200, second.statusCode(), second.body());

    List<JsonObject> bobs = shared(bob);
    assertEquals(2, bobs.size(), bobs.toString());
    for (JsonObject repl : bobs) {
      assertEquals("alice", repl.getString("owner"));
      assertEquals(
          repl.getString("slug").equals(slug) ? "editor" : "viewer", repl.getString("role"));
    }
    assertFalse(bobs.stream().anyMatch(r -> r.getString("slug").equals(bobsOwn)), "not his own");

    // His own list has only his own repl; alice's shared list has nothing (she shares, nobody
    // shares with her).
    HttpResponse<String> own = api.send("GET", "/api/repls", null, bob);
    JsonArray owned = new JsonObject(own.body()).getJsonArray("repls");
    assertEquals(1, owned.size(), own.body());
    assertEquals("owner", owned.getJsonObject(0).getString("role"));
    assertTrue(shared(alice).isEmpty());
    assertTrue(shared(carol).isEmpty());
    assertError(api.send("GET", "/api/repls?scope=everyone", null, bob), 400, "invalid_request");
  }

  @Test
  void aDeletedAccountsNameDoesNotInheritWhatWasSharedWithIt() throws Exception {
    shareOk("bob", "editor");
    HttpResponse<String> deleted =
        api.send(
            "DELETE",
            "/api/accounts/bob",
            new JsonObject().put("password", PASSWORD).encode(),
            bob);
    assertEquals(200, deleted.statusCode(), deleted.body());
    assertTrue(collaborators(alice).getJsonArray("collaborators").isEmpty());

    // Someone else signs up with the freed name: alice's repl is not theirs to see.
    api.f.clock.advance(Duration.ofSeconds(1));
    String newBob = signUp("bob");
    assertError(api.send("GET", "/api/repls/" + slug, null, newBob), 403, "forbidden");
    assertError(
        api.send("GET", "/api/repls/" + slug + "/collaborators", null, newBob), 403, "forbidden");
    assertTrue(shared(newBob).isEmpty());
  }
}
