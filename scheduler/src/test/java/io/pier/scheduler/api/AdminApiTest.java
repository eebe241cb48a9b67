package io.pier.scheduler.api;

import static io.pier.scheduler.ReplServiceFixture.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.auth.ApiKeyTable;
import io.pier.common.auth.EnvCipher;
import io.pier.common.auth.Revocations;
import io.pier.common.auth.TokenSigner;
import io.pier.common.http.OriginPolicy;
import io.pier.common.repl.ReplEnvStore;
import io.pier.scheduler.FleetKeeper;
import io.pier.scheduler.ReplService;
import io.pier.scheduler.ReplServiceFixture;
import io.pier.scheduler.auth.AccountList;
import io.pier.scheduler.auth.Accounts;
import io.pier.scheduler.auth.ApiKeys;
import io.pier.scheduler.auth.AuthApi;
import io.pier.scheduler.auth.PreviewSignIn;
import io.pier.scheduler.auth.RateLimiter;
import io.pier.scheduler.auth.StoredRevocations;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What administrators see and others do not, over the scheduler's whole API with fakes for the cluster and storage: the
 * accounts with their usage ({@code GET /api/accounts}), and node ids.
 */
class AdminApiTest {
  private static final String SECRET = "a-test-secret-long-enough";

  private ReplServiceFixture f;
  private HttpServer server;
  private HttpClient http;
  private String base;
  private TokenSigner tokens;

  /** Alice's sign-in token, and an administrator's. */
  private String alice;

  private String root;

  @BeforeEach
  void serve() throws Exception {
    f = new ReplServiceFixture(ReplService.Quotas.NONE);
    FleetKeeper keeper =
        new FleetKeeper(
            f.vertx,
            f.cluster,
            f.service,
            f.room,
            new FleetKeeper.Settings(
                Duration.ofSeconds(1),
                Duration.ZERO,
                0.7,
                null,
                Duration.ofMinutes(10),
                Duration.ofSeconds(15)),
            f.clock,
            new SimpleMeterRegistry());
    Revocations revocations = Revocations.following(f.vertx, f.cluster.revocations(), f.clock);
    ApiKeyTable keyTable = ApiKeyTable.following(f.vertx, f.cluster.apiKeys(), f.clock);
    tokens = new TokenSigner(SECRET, f.clock, revocations, keyTable);
    Accounts accounts =
        new Accounts(f.vertx, f.store, f.cluster.accounts(), Set.of("root"), true, null, f.clock);
    ApiKeys apiKeys =
        new ApiKeys(
            f.vertx, f.store, f.cluster.apiKeys(), keyTable, accounts, f.clock, new SecureRandom());
    AuthApi auth =
        new AuthApi(
            accounts,
            tokens,
            new StoredRevocations(f.vertx, f.store, revocations, Duration.ofHours(2), f.clock),
            apiKeys,
            Duration.ofHours(1),
            false,
            new OriginPolicy(URI.create("http://pier.localhost:8080"), List.of()),
            new RateLimiter(10, Duration.ofMinutes(1), f.clock));
    Function<String, String> previewUrl = slug -> "http://" + slug + ".pier.localhost:8080/";
    Router router = Router.router(f.vertx);
    new SchedulerApi(
            f.service,
            f.drain,
            f.catalog,
            f.cluster,
            keeper,
            auth,
            new ApiKeysRoutes(apiKeys, f.clock),
            new AccountUsageRoutes(new AccountList(f.vertx, f.store, accounts), f.service),
            new PreviewSignIn(auth, tokens, f.service::get, previewUrl),
            new RateLimiter(5, Duration.ofMinutes(1), f.clock),
            previewUrl,
            slug -> "http://pier.localhost:8080/ide/" + slug,
            new ReplEnvStore(f.store, new EnvCipher(SECRET)),
            await(ApiContract.load(f.vertx)))
        .mount(f.vertx, router);
    alice = tokens.issue("alice", false, Duration.ofDays(30));
    root = tokens.issue("root", true, Duration.ofDays(30));
    server = await(f.vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    base = "http://127.0.0.1:" + server.actualPort();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void close() throws Exception {
    await(server.close());
    f.close();
  }

  private HttpResponse<String> send(String method, String path, String body, String bearer)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    if (bearer != null) b.header("Authorization", "Bearer " + bearer);
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", "application/json");
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
  }

  private static JsonObject assertError(HttpResponse<String> resp, int status, String code) {
    assertEquals(status, resp.statusCode(), resp.body());
    assertTrue(
        resp.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
        resp.headers().toString());
    JsonObject body = new JsonObject(resp.body());
    assertEquals(code, body.getString("error"), resp.body());
    assertFalse(body.getString("message", "").isBlank(), resp.body());
    return body;
  }

  private String signUp(String username) throws Exception {
    HttpResponse<String> resp =
        send(
            "POST",
            "/api/auth/signup",
            "{\"username\":\"" + username + "\",\"password\":\"correct horse\"}",
            null);
    assertEquals(201, resp.statusCode(), resp.body());
    return new JsonObject(resp.body()).getString("token");
  }

  private JsonObject call(String method, String path, String bearer) throws Exception {
    HttpResponse<String> resp =
        send(
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
    assertEquals(200, send("PATCH", "/api/accounts/dave", "{\"admin\":true}", root).statusCode());

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
    assertError(send("GET", "/api/accounts", null, alice), 403, "forbidden");
    assertError(send("GET", "/api/accounts", null, null), 401, "unauthenticated");
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
    assertError(send("GET", "/api/nodes", null, alice), 403, "forbidden");
    assertError(send("GET", "/api/fleet", null, alice), 403, "forbidden");
    assertError(send("POST", "/api/nodes/node-a/drain", null, alice), 403, "forbidden");

    assertEquals("node-a", call("GET", "/api/repls/" + slug, root).getString("node"));
    JsonObject stopped = call("POST", "/api/repls/" + slug + "/stop", alice);
    assertFalse(stopped.containsKey("node"), stopped.encode());
  }
}
