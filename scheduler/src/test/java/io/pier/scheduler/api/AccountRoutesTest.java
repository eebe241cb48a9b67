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
import io.pier.common.store.StorageLayout;
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
import io.vertx.core.json.JsonArray;
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
 * A user's own account ({@code POST /api/accounts/<name>/password}, {@code DELETE /api/accounts/<name>}) over the
 * scheduler's whole API, with fakes for the cluster, the nodes and storage.
 */
class AccountRoutesTest {
  private static final String SECRET = "a-test-secret-long-enough";
  private static final String OLD = "correct horse";
  private static final String NEW = "battery staple";

  private ReplServiceFixture f;
  private HttpServer server;
  private HttpClient http;
  private String base;
  private TokenSigner tokens;

  /** Alice's sign-in token, from her sign-up. */
  private String alice;

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
    server = await(f.vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    base = "http://127.0.0.1:" + server.actualPort();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    alice = signUp("alice", OLD);
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

  /** Makes a key with the caller's credential and returns the answer's body. */
  private JsonObject create(String bearer, String body) throws Exception {
    HttpResponse<String> resp = send("POST", "/api/keys", body, bearer);
    assertEquals(201, resp.statusCode(), resp.body());
    return new JsonObject(resp.body());
  }

  private String signUp(String username, String password) throws Exception {
    HttpResponse<String> resp =
        send("POST", "/api/auth/signup", credentials(username, password), null);
    assertEquals(201, resp.statusCode(), resp.body());
    return new JsonObject(resp.body()).getString("token");
  }

  private HttpResponse<String> logIn(String username, String password) throws Exception {
    return send("POST", "/api/auth/login", credentials(username, password), null);
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
    return send("GET", "/api/repls", null, token).statusCode() == 200;
  }

  private String createRepl(String bearer) throws Exception {
    HttpResponse<String> resp = send("POST", "/api/repls", "{\"template\":\"node\"}", bearer);
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
        send("POST", "/api/accounts/alice/password", change("wrong horse", NEW), alice),
        403,
        "wrong_password");
    assertError(
        send("POST", "/api/accounts/alice/password", change(OLD, "short"), alice),
        400,
        "weak_password");
    assertTrue(works(otherSession), "a refused change signs nobody out");

    HttpResponse<String> changed =
        send("POST", "/api/accounts/alice/password", change(OLD, NEW), alice);
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
        send("POST", "/api/accounts/alice/password", change(OLD, NEW), bob), 403, "forbidden");
    assertError(
        send("DELETE", "/api/accounts/alice", "{\"password\":\"correct horse\"}", bob),
        403,
        "forbidden");
    String service = tokens.issue("service:edge-proxy", true, Duration.ofMinutes(1));
    assertError(
        send("DELETE", "/api/accounts/alice", "{\"password\":\"correct horse\"}", service),
        403,
        "forbidden");
    assertEquals(200, logIn("alice", OLD).statusCode());
  }

  @Test
  void aBodyWithoutThePasswordsIsRefusedByName() throws Exception {
    assertError(
        send("POST", "/api/accounts/alice/password", "{\"newPassword\":\"battery staple\"}", alice),
        400,
        "invalid_request");
    assertError(send("DELETE", "/api/accounts/alice", "{}", alice), 400, "invalid_request");
    assertError(send("DELETE", "/api/accounts/alice", null, alice), 400, "malformed_json");
    assertError(
        send("POST", "/api/accounts/alice/password", change(OLD, NEW), null),
        401,
        "unauthenticated");
  }

  @Test
  void guessingThePasswordHereCountsAsSigningIn() throws Exception {
    for (int i = 0; i < 10; i++) {
      assertError(
          send("DELETE", "/api/accounts/alice", "{\"password\":\"guess " + i + "\"}", alice),
          403,
          "wrong_password");
    }
    assertError(
        send("DELETE", "/api/accounts/alice", "{\"password\":\"correct horse\"}", alice),
        429,
        "rate_limited");
    assertError(logIn("alice", OLD), 429, "rate_limited");
  }

  @Test
  void deletingAnAccountTakesItsReplsKeysAndSessionsWithIt() throws Exception {
    f.addNode("node-a");
    String running = createRepl(alice);
    assertEquals(200, send("POST", "/api/repls/" + running + "/start", null, alice).statusCode());
    String stopped = createRepl(alice);
    String bob = signUp("bob", NEW);
    String bobs = createRepl(bob);
    String key = create(alice, "{\"name\":\"ci\"}").getString("key");
    f.clock.advance(Duration.ofSeconds(1));

    assertError(
        send("DELETE", "/api/accounts/alice", "{\"password\":\"wrong horse\"}", alice),
        403,
        "wrong_password");
    assertTrue(works(alice) && works(key), "a wrong password deletes nothing");

    HttpResponse<String> deleted =
        send("DELETE", "/api/accounts/alice", "{\"password\":\"correct horse\"}", alice);
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

    HttpResponse<String> left = send("GET", "/api/repls", null, bob);
    JsonArray repls = new JsonObject(left.body()).getJsonArray("repls");
    assertEquals(1, repls.size(), left.body());
    assertEquals(bobs, repls.getJsonObject(0).getString("slug"), "other accounts keep theirs");
  }
}
