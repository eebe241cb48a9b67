package io.pier.scheduler.api;

import static io.pier.scheduler.api.ApiServer.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.auth.TokenSigner;
import io.pier.scheduler.ReplServiceFixture;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What administrators see and others do not, over the scheduler's whole API with fakes for the cluster and storage: the
 * accounts with their usage ({@code GET /api/accounts}), and node ids.
 */
class AdminApiTest {
  private ApiServer api;
  private ReplServiceFixture f;
  private TokenSigner tokens;

  /** Alice's sign-in token, and an administrator's. */
  private String alice;

  private String root;

  @BeforeEach
  void serve() throws Exception {
    api = new ApiServer();
    f = api.f;
    tokens = api.tokens;
    alice = tokens.issue("alice", false, Duration.ofDays(30));
    root = tokens.issue("root", true, Duration.ofDays(30));
  }

  @AfterEach
  void close() throws Exception {
    api.close();
  }

  private String signUp(String username) throws Exception {
    HttpResponse<String> resp =
        api.send(
            "POST",
            "/api/auth/signup",
            "{\"username\":\"" + username + "\",\"password\":\"correct horse\"}",
            null);
    assertEquals(201, resp.statusCode(), resp.body());
    return new JsonObject(resp.body()).getString("token");
  }

  private JsonObject call(String method, String path, String bearer) throws Exception {
    HttpResponse<String> resp =
        api.send(
            method,
            path,
            method.equals("POST") && path.equals("/api/repls") ? "{\"template\":\"node\"}" : null,
            bearer);
    assertEquals(
        method.equals("POST") && path.equals("/api/repls") ? 201 : 200,
        resp.statusCode(),
        resp.body());
    return new JsonObject(resp.body());
  }

  private static JsonObject account(JsonObject list, String username) {
    return list.getJsonArray("accounts").stream()
        .map(JsonObject.class::cast)
        .filter(a -> a.getString("username").equals(username))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + username + " in " + list.encode()));
  }

  @Test
  void administratorsSeeEveryAccountWithItsRoleAndUsage() throws Exception {
    f.addNode("node-a");
    String carol = signUp("carol");
    signUp("dave");
    String first = call("POST", "/api/repls", carol).getString("slug");
    call("POST", "/api/repls", carol);
    call("POST", "/api/repls/" + first + "/start", carol);
    assertEquals(
        200, api.send("PATCH", "/api/accounts/dave", "{\"admin\":true}", root).statusCode());

    JsonObject list = call("GET", "/api/accounts", root);
    assertEquals(
        List.of("carol", "dave"),
        list.getJsonArray("accounts").stream()
            .map(a -> ((JsonObject) a).getString("username"))
            .toList(),
        "by name");
    JsonObject c = account(list, "carol");
    assertEquals(2, c.getInteger("repls"), c.encode());
    assertEquals(1, c.getInteger("running"), c.encode());
    assertFalse(c.getBoolean("admin"), c.encode());
    assertFalse(c.getString("createdAt", "").isBlank(), c.encode());
    JsonObject d = account(list, "dave");
    assertEquals(0, d.getInteger("repls"), d.encode());
    assertTrue(d.getBoolean("admin"), d.encode());
    assertFalse(d.getBoolean("listedInPierAdmins"), d.encode());
  }

  @Test
  void onlyAdministratorsListAccounts() throws Exception {
    signUp("carol");
    assertError(api.send("GET", "/api/accounts", null, alice), 403, "forbidden");
    assertError(api.send("GET", "/api/accounts", null, null), 401, "unauthenticated");
  }

  @Test
  void aUserNeverSeesWhichNodeRunsTheirReplAnAdministratorDoes() throws Exception {
    f.addNode("node-a");
    String slug = call("POST", "/api/repls", alice).getString("slug");
    JsonObject started = call("POST", "/api/repls/" + slug + "/start", alice);
    assertEquals("running", started.getString("state"));
    List<JsonObject> seen =
        List.of(
            started,
            call("GET", "/api/repls/" + slug, alice),
            (JsonObject) call("GET", "/api/repls", alice).getJsonArray("repls").getValue(0));
    for (JsonObject repl : seen)
      assertFalse(repl.containsKey("node"), "no node id for its owner: " + repl.encode());
    assertError(api.send("GET", "/api/nodes", null, alice), 403, "forbidden");
    assertError(api.send("GET", "/api/fleet", null, alice), 403, "forbidden");
    assertError(api.send("POST", "/api/nodes/node-a/drain", null, alice), 403, "forbidden");

    assertEquals("node-a", call("GET", "/api/repls/" + slug, root).getString("node"));
    JsonObject stopped = call("POST", "/api/repls/" + slug + "/stop", alice);
    assertFalse(stopped.containsKey("node"), stopped.encode());
  }
}
