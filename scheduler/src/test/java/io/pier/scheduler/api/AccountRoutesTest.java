package io.pier.scheduler.api;

import static io.pier.scheduler.api.ApiServer.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.auth.TokenSigner;
import io.pier.common.store.StorageLayout;
import io.pier.scheduler.ReplServiceFixture;
import io.pier.scheduler.auth.Accounts;
import io.pier.scheduler.auth.ApiKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A user's own account ({@code POST /api/accounts/<name>/password}, {@code DELETE /api/accounts/<name>}) over the
 * scheduler's whole API, with fakes for the cluster, the nodes and storage.
 */
class AccountRoutesTest {
  private static final String SECRET = "a-test-secret-long-enough";
  private static final String OLD = "correct horse";
  private static final String NEW = "battery staple";

  private ApiServer api;
  private ReplServiceFixture f;
  private TokenSigner tokens;

  /** Alice's sign-in token, from her sign-up. */
  private String alice;

  @BeforeEach
  void serve() throws Exception {
    api = new ApiServer();
    f = api.f;
    tokens = api.tokens;
    alice = signUp("alice", OLD);
  }

  @AfterEach
  void close() throws Exception {
    api.close();
  }

  /** Makes a key with the caller's credential and returns the answer's body. */
  private JsonObject create(String bearer, String body) throws Exception {
    HttpResponse<String> resp = api.send("POST", "/api/keys", body, bearer);
    assertEquals(201, resp.statusCode(), resp.body());
    return new JsonObject(resp.body());
  }

  private String signUp(String username, String password) throws Exception {
    HttpResponse<String> resp =
        api.send("POST", "/api/auth/signup", credentials(username, password), null);
    assertEquals(201, resp.statusCode(), resp.body());
    return new JsonObject(resp.body()).getString("token");
  }

  private HttpResponse<String> logIn(String username, String password) throws Exception {
    return api.send("POST", "/api/auth/login", credentials(username, password), null);
  }

  private static String credentials(String username, String password) {
    return new JsonObject().put("username", username).put("password", password).encode();
  }

  private static String change(String current, String replacement) {
    return new JsonObject()
        .put("currentPassword", current)
        .put("newPassword", replacement)
        .encode();
  }

  private boolean works(String token) throws Exception {
    return api.send("GET", "/api/repls", null, token).statusCode() == 200;
  }

  private String createRepl(String bearer) throws Exception {
    HttpResponse<String> resp = api.send("POST", "/api/repls", "{\"template\":\"node\"}", bearer);
    assertEquals(201, resp.statusCode(), resp.body());
    return new JsonObject(resp.body()).getString("slug");
  }

  @Test
  void aNewPasswordNeedsTheCurrentOneAndSignsOutEveryOtherSession() throws Exception {
    HttpResponse<String> other = logIn("alice", OLD);
    assertEquals(200, other.statusCode(), other.body());
    String otherSession = new JsonObject(other.body()).getString("token");
    String key = create(alice, "{\"name\":\"ci\"}").getString("key");
    f.clock.advance(Duration.ofSeconds(1));

    assertError(
        api.send("POST", "/api/accounts/alice/password", change("wrong horse", NEW), alice),
        403,
        "wrong_password");
    assertError(
        api.send("POST", "/api/accounts/alice/password", change(OLD, "short"), alice),
        400,
        "weak_password");
    assertTrue(works(otherSession), "a refused change signs nobody out");

    HttpResponse<String> changed =
        api.send("POST", "/api/accounts/alice/password", change(OLD, NEW), alice);
    assertEquals(200, changed.statusCode(), changed.body());
    String fresh = new JsonObject(changed.body()).getString("token");
    assertTrue(
        changed.headers().firstValue("set-cookie").orElse("").startsWith("pier_token=" + fresh),
        changed.headers().toString());
    assertTrue(works(fresh), "the caller is signed in again at once, in the same millisecond");
    assertFalse(works(otherSession), "other sessions are signed out");
    assertFalse(works(alice), "the token the change was made with is replaced");
    assertTrue(works(key), "API keys stay; they are revoked one by one");

    f.clock.advance(Duration.ofSeconds(1));
    assertError(logIn("alice", OLD), 401, "bad_credentials");
    assertEquals(200, logIn("alice", NEW).statusCode());
  }

  @Test
  void nobodyChangesAnotherAccountsPasswordNorDeletesIt() throws Exception {
    String bob = signUp("bob", OLD);
    assertError(
        api.send("POST", "/api/accounts/alice/password", change(OLD, NEW), bob), 403, "forbidden");
    assertError(
        api.send("DELETE", "/api/accounts/alice", "{\"password\":\"correct horse\"}", bob),
        403,
        "forbidden");
    String service = tokens.issue("service:edge-proxy", true, Duration.ofMinutes(1));
    assertError(
        api.send("DELETE", "/api/accounts/alice", "{\"password\":\"correct horse\"}", service),
        403,
        "forbidden");
    assertEquals(200, logIn("alice", OLD).statusCode());
  }

  @Test
  void aBodyWithoutThePasswordsIsRefusedByName() throws Exception {
    assertError(
        api.send(
            "POST", "/api/accounts/alice/password", "{\"newPassword\":\"battery staple\"}", alice),
        400,
        "invalid_request");
    assertError(api.send("DELETE", "/api/accounts/alice", "{}", alice), 400, "invalid_request");
    assertError(api.send("DELETE", "/api/accounts/alice", null, alice), 400, "malformed_json");
    assertError(
        api.send("POST", "/api/accounts/alice/password", change(OLD, NEW), null),
        401,
        "unauthenticated");
  }

  @Test
  void guessingThePasswordHereCountsAsSigningIn() throws Exception {
    for (int i = 0; i < 10; i++) {
      assertError(
          api.send("DELETE", "/api/accounts/alice", "{\"password\":\"guess " + i + "\"}", alice),
          403,
          "wrong_password");
    }
    assertError(
        api.send("DELETE", "/api/accounts/alice", "{\"password\":\"correct horse\"}", alice),
        429,
        "rate_limited");
    assertError(logIn("alice", OLD), 429, "rate_limited");
  }

  @Test
  void deletingAnAccountTakesItsReplsKeysAndSessionsWithIt() throws Exception {
    f.addNode("node-a");
    String running = createRepl(alice);
    assertEquals(
        200, api.send("POST", "/api/repls/" + running + "/start", null, alice).statusCode());
    String stopped = createRepl(alice);
    String bob = signUp("bob", NEW);
    String bobs = createRepl(bob);
    String key = create(alice, "{\"name\":\"ci\"}").getString("key");
    f.clock.advance(Duration.ofSeconds(1));

    assertError(
        api.send("DELETE", "/api/accounts/alice", "{\"password\":\"wrong horse\"}", alice),
        403,
        "wrong_password");
    assertTrue(works(alice) && works(key), "a wrong password deletes nothing");

    HttpResponse<String> deleted =
        api.send("DELETE", "/api/accounts/alice", "{\"password\":\"correct horse\"}", alice);
    assertEquals(200, deleted.statusCode(), deleted.body());
    assertEquals(
        new JsonObject()
            .put("username", "alice")
            .put("deleted", true)
            .put("apiKeysRevoked", 1)
            .put("replsDeleted", 2),
        new JsonObject(deleted.body()));
    assertTrue(
        deleted.headers().firstValue("set-cookie").orElse("").contains("Max-Age=0"),
        deleted.headers().toString());
    assertEquals(1, f.nodes.stops.size(), "the running repl was stopped first");
    assertTrue(f.store.list(StorageLayout.repl(running)).isEmpty());
    assertTrue(f.store.list(StorageLayout.repl(stopped)).isEmpty());
    assertTrue(f.store.get(Accounts.key("alice")).isEmpty());
    assertTrue(f.store.list(ApiKeys.PREFIX + "alice/").isEmpty());
    assertFalse(works(alice), "signed out");
    assertFalse(works(key), "its API keys are revoked");
    f.clock.advance(Duration.ofSeconds(1));
    assertError(logIn("alice", OLD), 401, "bad_credentials");

    HttpResponse<String> left = api.send("GET", "/api/repls", null, bob);
    JsonArray repls = new JsonObject(left.body()).getJsonArray("repls");
    assertEquals(1, repls.size(), left.body());
    assertEquals(bobs, repls.getJsonObject(0).getString("slug"), "other accounts keep theirs");
  }
}
