package io.pier.scheduler.api;

import static io.pier.scheduler.api.ApiServer.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /api/repls/<slug>/fork} over the scheduler's whole API with fakes for the cluster and storage. */
class ForkRoutesTest {
  private ApiServer api;
  private String alice;
  private String bob;
  private String slug;

  @BeforeEach
  void serve() throws Exception {
    api = new ApiServer();
    alice = api.tokens.issue("alice", false, Duration.ofDays(30));
    bob = api.tokens.issue("bob", false, Duration.ofDays(30));
    HttpResponse<String> created =
        api.send("POST", "/api/repls", "{\"template\":\"node\",\"title\":\"Shop\"}", alice);
    assertEquals(201, created.statusCode(), created.body());
    slug = new JsonObject(created.body()).getString("slug");
    HttpResponse<String> secret =
        api.send("PUT", "/api/repls/" + slug + "/env/TOKEN", "{\"value\":\"s3cret-value\"}", alice);
    assertEquals(200, secret.statusCode(), secret.body());
  }

  @AfterEach
  void close() throws Exception {
    api.close();
  }

  @Test
  void theOwnerForksWithoutABodyAndGetsTheNewReplWithItsAddress() throws Exception {
    HttpResponse<String> resp = api.send("POST", "/api/repls/" + slug + "/fork", null, alice);
    assertEquals(201, resp.statusCode(), resp.body());
    JsonObject fork = new JsonObject(resp.body());
    assertEquals(
        "/api/repls/" + fork.getString("slug"), resp.headers().firstValue("Location").orElse(""));
    assertEquals("alice", fork.getString("owner"));
    assertEquals("stopped", fork.getString("state"));
    assertEquals("node", fork.getString("template"));
    assertEquals("Shop (fork)", fork.getString("title"));
    assertFalse(resp.body().contains("s3cret-value"));

    HttpResponse<String> env =
        api.send("GET", "/api/repls/" + fork.getString("slug") + "/env", null, alice);
    assertEquals(200, env.statusCode(), env.body());
    assertTrue(new JsonObject(env.body()).getJsonArray("env").isEmpty(), "no secret comes along");
  }

  @Test
  void aForkCanBeNamed() throws Exception {
    HttpResponse<String> resp =
        api.send(
            "POST",
            "/api/repls/" + slug + "/fork",
            "{\"title\":\"Try a cart\",\"description\":\"What if\"}",
            alice);
    assertEquals(201, resp.statusCode(), resp.body());
    assertEquals("Try a cart", new JsonObject(resp.body()).getString("title"));
    assertEquals("What if", new JsonObject(resp.body()).getString("description"));
  }

  @Test
  void anotherAccountsReplIsNotForked() throws Exception {
    assertError(api.send("POST", "/api/repls/" + slug + "/fork", null, bob), 403, "forbidden");
    HttpResponse<String> list = api.send("GET", "/api/repls", null, bob);
    assertTrue(new JsonObject(list.body()).getJsonArray("repls").isEmpty(), list.body());
  }

  @Test
  void onceItsOwnerTurnsTheForkLinkOnAnyAccountSeesItsCardAndForksIt() throws Exception {
    assertError(api.send("GET", "/api/repls/" + slug + "/fork", null, bob), 403, "forbidden");
    HttpResponse<String> on = api.send("PATCH", "/api/repls/" + slug, "{\"forkable\":true}", alice);
    assertEquals(200, on.statusCode(), on.body());
    assertTrue(new JsonObject(on.body()).getBoolean("forkable"));

    HttpResponse<String> card = api.send("GET", "/api/repls/" + slug + "/fork", null, bob);
    assertEquals(200, card.statusCode(), card.body());
    JsonObject shown = new JsonObject(card.body());
    assertEquals("Shop", shown.getString("title"));
    assertEquals("alice", shown.getString("owner"));
    assertEquals(
        Set.of("slug", "title", "description", "template", "owner", "forkable"),
        shown.fieldNames());

    HttpResponse<String> forked = api.send("POST", "/api/repls/" + slug + "/fork", null, bob);
    assertEquals(201, forked.statusCode(), forked.body());
    JsonObject fork = new JsonObject(forked.body());
    assertEquals("bob", fork.getString("owner"));
    assertFalse(fork.getBoolean("forkable"), "a fork's own link starts off");
    assertFalse(forked.body().contains("s3cret-value"));
    // The link opens a fork, not the repl.
    assertError(api.send("GET", "/api/repls/" + slug, null, bob), 403, "forbidden");

    HttpResponse<String> off =
        api.send("PATCH", "/api/repls/" + slug, "{\"forkable\":false}", alice);
    assertEquals(200, off.statusCode(), off.body());
    assertError(api.send("POST", "/api/repls/" + slug + "/fork", null, bob), 403, "forbidden");
  }

  @Test
  void onlyItsOwnerTurnsTheForkLinkOnAndOnlyWithABoolean() throws Exception {
    assertError(
        api.send("PATCH", "/api/repls/" + slug, "{\"forkable\":true}", bob), 403, "forbidden");
    assertError(
        api.send("PATCH", "/api/repls/" + slug, "{\"forkable\":\"yes\"}", alice),
        400,
        "invalid_request");
  }

  @Test
  void badRequestsAreNamed() throws Exception {
    assertError(api.send("POST", "/api/repls/no-such-repl/fork", null, alice), 404, "unknown_repl");
    assertError(
        api.send("POST", "/api/repls/" + slug + "/fork", "{\"owner\":\"bob\"}", alice),
        400,
        "invalid_request");
    assertError(
        api.send(
            "POST",
            "/api/repls/" + slug + "/fork",
            "{\"title\":\"" + "x".repeat(81) + "\"}",
            alice),
        400,
        "invalid_title");
    assertError(
        api.send("POST", "/api/repls/" + slug + "/fork", "[1]", alice), 400, "malformed_json");
    assertError(
        api.send("POST", "/api/repls/" + slug + "/fork", null, null), 401, "unauthenticated");
  }
}
