package io.pier.scheduler.api;

import static io.pier.scheduler.ReplServiceFixture.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.auth.ApiKeyTable;
import io.pier.common.auth.ApiKeyText;
import io.pier.common.auth.EnvCipher;
import io.pier.common.auth.Revocations;
import io.pier.common.auth.TokenSigner;
import io.pier.common.http.OriginPolicy;
import io.pier.common.repl.ReplEnvStore;
import io.pier.common.store.ObjectStore;
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
import io.pier.scheduler.e2b.E2bKeys;
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

/** {@code /api/keys} over the scheduler's whole API, with fakes for the cluster and storage. */
class ApiKeysApiTest {
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

  /** Makes a key with the caller's credential and returns the answer's body. */
  private JsonObject create(String bearer, String body) throws Exception {
    HttpResponse<String> resp = send("POST", "/api/keys", body, bearer);
    assertEquals(201, resp.statusCode(), resp.body());
    return new JsonObject(resp.body());
  }

  @Test
  void aNewKeyIsShownOnceAndListedWithoutItsSecret() throws Exception {
    HttpResponse<String> resp = send("POST", "/api/keys", "{\"name\":\"ci\"}", alice);
    assertEquals(201, resp.statusCode(), resp.body());
    assertEquals("no-store", resp.headers().firstValue("Cache-Control").orElse(null));
    JsonObject created = new JsonObject(resp.body());
    String key = created.getString("key");
    String id = created.getString("id");
    assertEquals(id, ApiKeyText.parse(key).orElseThrow().id());
    assertEquals(key, E2bKeys.toPier(created.getString("e2bKey")), "the same key in E2B's form");
    assertTrue(created.getString("e2bKey").matches("e2b_[0-9a-f]+"), created.getString("e2bKey"));
    assertEquals("ci", created.getString("name"));
    assertEquals("alice", created.getString("owner"));
    assertEquals(f.clock.instant().toString(), created.getString("createdAt"));
    assertNull(created.getValue("expiresAt"));
    assertNull(created.getValue("lastUsedAt"));

    HttpResponse<String> listed = send("GET", "/api/keys", null, alice);
    assertEquals(200, listed.statusCode(), listed.body());
    JsonArray keys = new JsonObject(listed.body()).getJsonArray("keys");
    assertEquals(1, keys.size());
    JsonObject shown = keys.getJsonObject(0);
    assertEquals(id, shown.getString("id"));
    assertFalse(shown.containsKey("key"));
    assertFalse(shown.containsKey("e2bKey"));
    assertFalse(shown.containsKey("secretHash"));
    assertFalse(listed.body().contains(ApiKeyText.parse(key).orElseThrow().secret()));
    assertEquals(
        0,
        new JsonObject(send("GET", "/api/keys", null, root).body()).getJsonArray("keys").size(),
        "each account lists its own keys");
  }

  @Test
  void storageKeepsOnlyTheHashOfTheSecret() throws Exception {
    JsonObject created = create(alice, "{\"name\":\"ci\"}");
    String secret = ApiKeyText.parse(created.getString("key")).orElseThrow().secret();
    List<ObjectStore.ObjectInfo> stored = f.store.list(ApiKeys.PREFIX);
    assertEquals(1, stored.size());
    assertEquals(
        ApiKeys.PREFIX + "alice/" + created.getString("id") + ".json", stored.get(0).key());
    String text = new String(f.store.get(stored.get(0).key()).orElseThrow(), UTF_8);
    assertFalse(text.contains(secret), text);
    assertEquals(ApiKeyText.hash(secret), new JsonObject(text).getString("secretHash"));
    assertFalse(
        await(f.cluster.apiKeys().entries()).toString().contains(secret),
        "nor does the cluster map");
  }

  @Test
  void aKeyIsABearerCredentialOfItsAccount() throws Exception {
    String key = create(alice, "{\"name\":\"ci\"}").getString("key");
    HttpResponse<String> me = send("GET", "/api/auth/me", null, key);
    assertEquals(200, me.statusCode(), me.body());
    assertEquals("alice", new JsonObject(me.body()).getString("username"));
    assertFalse(new JsonObject(me.body()).getBoolean("admin"));
    assertEquals(
        ApiKeyText.parse(key).orElseThrow().id(), new JsonObject(me.body()).getString("apiKey"));
    HttpResponse<String> made = send("POST", "/api/repls", "{\"template\":\"node\"}", key);
    assertEquals(201, made.statusCode(), made.body());
    assertEquals(
        200,
        send("GET", "/api/repls/" + new JsonObject(made.body()).getString("slug"), null, alice)
            .statusCode(),
        "the repl is alice's");
    assertError(send("GET", "/api/nodes", null, key), 403, "forbidden");
  }

  @Test
  void aKeyInTheSignInCookieIsRefused() throws Exception {
    String key = create(alice, "{\"name\":\"ci\"}").getString("key");
    HttpResponse<String> resp =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/repls"))
                .header("Cookie", "pier_token=" + key)
                .build(),
            HttpResponse.BodyHandlers.ofString(UTF_8));
    assertError(resp, 401, "unauthenticated");
  }

  @Test
  void aRevokedKeyStopsWorking() throws Exception {
    JsonObject created = create(alice, "{\"name\":\"ci\"}");
    String key = created.getString("key");
    assertEquals(200, send("GET", "/api/repls", null, key).statusCode());
    HttpResponse<String> deleted =
        send("DELETE", "/api/keys/" + created.getString("id"), null, alice);
    assertEquals(204, deleted.statusCode(), deleted.body());
    assertError(send("GET", "/api/repls", null, key), 401, "unauthenticated");
    assertTrue(f.store.list(ApiKeys.PREFIX).isEmpty());
    assertNull(await(f.cluster.apiKeys().get(created.getString("id"))));
    assertEquals(
        0,
        new JsonObject(send("GET", "/api/keys", null, alice).body()).getJsonArray("keys").size());
    assertError(
        send("DELETE", "/api/keys/" + created.getString("id"), null, alice), 404, "unknown_key");
  }

  @Test
  void aKeyMayRevokeItself() throws Exception {
    JsonObject created = create(alice, "{\"name\":\"ci\"}");
    String key = created.getString("key");
    assertEquals(
        204, send("DELETE", "/api/keys/" + created.getString("id"), null, key).statusCode());
    assertError(send("GET", "/api/keys", null, key), 401, "unauthenticated");
  }

  @Test
  void anExpiringKeyStopsWorkingWhenItExpires() throws Exception {
    JsonObject created = create(alice, "{\"name\":\"ci\",\"expiresInDays\":7}");
    assertEquals(
        f.clock.instant().plus(Duration.ofDays(7)).toString(), created.getString("expiresAt"));
    String key = created.getString("key");
    f.clock.advance(Duration.ofDays(7).minusSeconds(1));
    assertEquals(200, send("GET", "/api/repls", null, key).statusCode());
    f.clock.advance(Duration.ofSeconds(1));
    assertError(send("GET", "/api/repls", null, key), 401, "unauthenticated");
    JsonObject listed =
        new JsonObject(send("GET", "/api/keys", null, alice).body())
            .getJsonArray("keys")
            .getJsonObject(0);
    assertTrue(listed.getBoolean("expired"), listed.encode());
  }

  @Test
  void aKeyMakesKeysOfItsOwnAccountOnly() throws Exception {
    String key = create(alice, "{\"name\":\"ci\"}").getString("key");
    JsonObject second = create(key, "{\"name\":\"deploy\"}");
    assertEquals("alice", second.getString("owner"));
    assertFalse(
        new JsonObject(send("GET", "/api/auth/me", null, second.getString("key")).body())
            .getBoolean("admin"));
  }

  @Test
  void aKeyActsWithItsAccountsCurrentRole() throws Exception {
    HttpResponse<String> signup =
        send(
            "POST",
            "/api/auth/signup",
            "{\"username\":\"bob\",\"password\":\"correct horse\"}",
            null);
    assertEquals(201, signup.statusCode(), signup.body());
    String bob = new JsonObject(signup.body()).getString("token");
    String key = create(bob, "{\"name\":\"ops\"}").getString("key");
    assertError(send("GET", "/api/nodes", null, key), 403, "forbidden");

    HttpResponse<String> promoted = send("PATCH", "/api/accounts/bob", "{\"admin\":true}", root);
    assertEquals(200, promoted.statusCode(), promoted.body());
    assertEquals(200, send("GET", "/api/nodes", null, key).statusCode(), "an administrator now");
    assertEquals(
        401, send("GET", "/api/nodes", null, bob).statusCode(), "its sign-in token was revoked");

    assertEquals(200, send("PATCH", "/api/accounts/bob", "{\"admin\":false}", root).statusCode());
    assertError(send("GET", "/api/nodes", null, key), 403, "forbidden");
  }

  @Test
  void anAdministratorMayRevokeAnyonesKeyOthersMayNot() throws Exception {
    String id = create(alice, "{\"name\":\"ci\"}").getString("id");
    String mallory = tokens.issue("mallory", false, Duration.ofHours(1));
    assertError(send("DELETE", "/api/keys/" + id, null, mallory), 403, "forbidden");
    assertEquals(204, send("DELETE", "/api/keys/" + id, null, root).statusCode());
  }

  @Test
  void unknownOrMalformedKeyIdsAre404() throws Exception {
    assertError(send("DELETE", "/api/keys/0123456789abcdef", null, alice), 404, "unknown_key");
    assertError(send("DELETE", "/api/keys/..%2Fetc", null, alice), 404, "unknown_key");
    assertError(send("DELETE", "/api/keys/ABC", null, alice), 404, "unknown_key");
  }

  @Test
  void withoutACredentialEveryKeyRouteIs401() throws Exception {
    assertError(send("POST", "/api/keys", "{\"name\":\"ci\"}", null), 401, "unauthenticated");
    assertError(send("GET", "/api/keys", null, null), 401, "unauthenticated");
    assertError(send("DELETE", "/api/keys/0123456789abcdef", null, null), 401, "unauthenticated");
    String forged = ApiKeyText.mint(new SecureRandom()).text();
    assertError(send("GET", "/api/keys", null, forged), 401, "unauthenticated");
  }

  @Test
  void pierServicesHaveNoKeys() throws Exception {
    String service = tokens.issue("service:edge", true, Duration.ofMinutes(1));
    assertError(send("POST", "/api/keys", "{\"name\":\"ci\"}", service), 403, "forbidden");
  }

  @Test
  void aNameHas1To64PrintableCharacters() throws Exception {
    assertError(send("POST", "/api/keys", "{}", alice), 400, "invalid_name");
    assertError(send("POST", "/api/keys", "{\"name\":\"\"}", alice), 400, "invalid_name");
    assertError(send("POST", "/api/keys", "{\"name\":\"   \"}", alice), 400, "invalid_name");
    assertError(send("POST", "/api/keys", "{\"name\":5}", alice), 400, "invalid_name");
    assertError(
        send("POST", "/api/keys", "{\"name\":\"" + "n".repeat(65) + "\"}", alice),
        400,
        "invalid_name");
    assertError(send("POST", "/api/keys", "{\"name\":\"a\\nb\"}", alice), 400, "invalid_name");
    assertError(
        send("POST", "/api/keys", "{\"name\":\"evil\\u202Etxt.exe\"}", alice), 400, "invalid_name");
    assertEquals(
        64, create(alice, "{\"name\":\"" + "n".repeat(64) + "\"}").getString("name").length());
    assertEquals("déploiement ✓", create(alice, "{\"name\":\"déploiement ✓\"}").getString("name"));
  }

  @Test
  void anExpiryIsAWholeNumberOfDaysUpToTenYears() throws Exception {
    for (String days : List.of("0", "-1", "3651", "1.5", "\"7\"", "true", "99999999999")) {
      assertError(
          send("POST", "/api/keys", "{\"name\":\"ci\",\"expiresInDays\":" + days + "}", alice),
          400,
          "invalid_expiry");
    }
    assertNull(create(alice, "{\"name\":\"ci\",\"expiresInDays\":null}").getValue("expiresAt"));
    create(alice, "{\"name\":\"ci\",\"expiresInDays\":3650}");
  }

  @Test
  void aBodyThatIsNoObjectOrHasOtherFieldsIsRefused() throws Exception {
    assertError(send("POST", "/api/keys", "{\"name\":", alice), 400, "malformed_json");
    assertError(send("POST", "/api/keys", "[\"ci\"]", alice), 400, "malformed_json");
    assertError(send("POST", "/api/keys", "", alice), 400, "malformed_json");
    assertError(
        send("POST", "/api/keys", "{\"name\":\"ci\",\"admin\":true}", alice),
        400,
        "invalid_request");
  }

  @Test
  void anAccountHasAtMost50Keys() throws Exception {
    for (int i = 0; i < ApiKeys.MAX_PER_ACCOUNT; i++) create(alice, "{\"name\":\"k" + i + "\"}");
    assertError(send("POST", "/api/keys", "{\"name\":\"one more\"}", alice), 400, "too_many_keys");
    create(root, "{\"name\":\"another account's\"}");
    String id =
        new JsonObject(send("GET", "/api/keys", null, alice).body())
            .getJsonArray("keys")
            .getJsonObject(0)
            .getString("id");
    assertEquals(204, send("DELETE", "/api/keys/" + id, null, alice).statusCode());
    create(alice, "{\"name\":\"in its place\"}");
  }
}
