package io.pier.scheduler.api;

import static io.pier.scheduler.ReplServiceFixture.await;
import static io.pier.scheduler.api.ApiServer.assertError;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.auth.ApiKeyText;
import io.pier.common.auth.TokenSigner;
import io.pier.common.store.ObjectStore;
import io.pier.scheduler.ReplServiceFixture;
import io.pier.scheduler.auth.ApiKeys;
import io.pier.scheduler.e2b.E2bKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /api/keys} over the scheduler's whole API, with fakes for the cluster and storage. */
class ApiKeysApiTest {
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

  /** Makes a key with the caller's credential and returns the answer's body. */
  private JsonObject create(String bearer, String body) throws Exception {
    HttpResponse<String> resp = api.send("POST", "/api/keys", body, bearer);
    assertEquals(201, resp.statusCode(), resp.body());
    return new JsonObject(resp.body());
  }

  @Test
  void aNewKeyIsShownOnceAndListedWithoutItsSecret() throws Exception {
    HttpResponse<String> resp = api.send("POST", "/api/keys", "{\"name\":\"ci\"}", alice);
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

    HttpResponse<String> listed = api.send("GET", "/api/keys", null, alice);
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
        new JsonObject(api.send("GET", "/api/keys", null, root).body()).getJsonArray("keys").size(),
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
    HttpResponse<String> me = api.send("GET", "/api/auth/me", null, key);
    assertEquals(200, me.statusCode(), me.body());
    assertEquals("alice", new JsonObject(me.body()).getString("username"));
    assertFalse(new JsonObject(me.body()).getBoolean("admin"));
    assertEquals(
        ApiKeyText.parse(key).orElseThrow().id(), new JsonObject(me.body()).getString("apiKey"));
    HttpResponse<String> made = api.send("POST", "/api/repls", "{\"template\":\"node\"}", key);
    assertEquals(201, made.statusCode(), made.body());
    assertEquals(
        200,
        api.send("GET", "/api/repls/" + new JsonObject(made.body()).getString("slug"), null, alice)
            .statusCode(),
        "the repl is alice's");
    assertError(api.send("GET", "/api/nodes", null, key), 403, "forbidden");
  }

  @Test
  void aKeyInTheSignInCookieIsRefused() throws Exception {
    String key = create(alice, "{\"name\":\"ci\"}").getString("key");
    HttpResponse<String> resp =
        api.http.send(
            HttpRequest.newBuilder(URI.create(api.base + "/api/repls"))
                .header("Cookie", "pier_token=" + key)
                .build(),
            HttpResponse.BodyHandlers.ofString(UTF_8));
    assertError(resp, 401, "unauthenticated");
  }

  @Test
  void aRevokedKeyStopsWorking() throws Exception {
    JsonObject created = create(alice, "{\"name\":\"ci\"}");
    String key = created.getString("key");
    assertEquals(200, api.send("GET", "/api/repls", null, key).statusCode());
    HttpResponse<String> deleted =
        api.send("DELETE", "/api/keys/" + created.getString("id"), null, alice);
    assertEquals(204, deleted.statusCode(), deleted.body());
    assertError(api.send("GET", "/api/repls", null, key), 401, "unauthenticated");
    assertTrue(f.store.list(ApiKeys.PREFIX).isEmpty());
    assertNull(await(f.cluster.apiKeys().get(created.getString("id"))));
    assertEquals(
        0,
        new JsonObject(api.send("GET", "/api/keys", null, alice).body())
            .getJsonArray("keys")
            .size());
    assertError(
        api.send("DELETE", "/api/keys/" + created.getString("id"), null, alice),
        404,
        "unknown_key");
  }

  @Test
  void aKeyMayRevokeItself() throws Exception {
    JsonObject created = create(alice, "{\"name\":\"ci\"}");
    String key = created.getString("key");
    assertEquals(
        204, api.send("DELETE", "/api/keys/" + created.getString("id"), null, key).statusCode());
    assertError(api.send("GET", "/api/keys", null, key), 401, "unauthenticated");
  }

  @Test
  void anExpiringKeyStopsWorkingWhenItExpires() throws Exception {
    JsonObject created = create(alice, "{\"name\":\"ci\",\"expiresInDays\":7}");
    assertEquals(
        f.clock.instant().plus(Duration.ofDays(7)).toString(), created.getString("expiresAt"));
    String key = created.getString("key");
    f.clock.advance(Duration.ofDays(7).minusSeconds(1));
    assertEquals(200, api.send("GET", "/api/repls", null, key).statusCode());
    f.clock.advance(Duration.ofSeconds(1));
    assertError(api.send("GET", "/api/repls", null, key), 401, "unauthenticated");
    JsonObject listed =
        new JsonObject(api.send("GET", "/api/keys", null, alice).body())
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
        new JsonObject(api.send("GET", "/api/auth/me", null, second.getString("key")).body())
            .getBoolean("admin"));
  }

  @Test
  void aKeyActsWithItsAccountsCurrentRole() throws Exception {
    HttpResponse<String> signup =
        api.send(
            "POST",
            "/api/auth/signup",
            "{\"username\":\"bob\",\"password\":\"correct horse\"}",
            null);
    assertEquals(201, signup.statusCode(), signup.body());
    String bob = new JsonObject(signup.body()).getString("token");
    String key = create(bob, "{\"name\":\"ops\"}").getString("key");
    assertError(api.send("GET", "/api/nodes", null, key), 403, "forbidden");

    HttpResponse<String> promoted =
        api.send("PATCH", "/api/accounts/bob", "{\"admin\":true}", root);
    assertEquals(200, promoted.statusCode(), promoted.body());
    assertEquals(
        200, api.send("GET", "/api/nodes", null, key).statusCode(), "an administrator now");
    assertEquals(
        401,
        api.send("GET", "/api/nodes", null, bob).statusCode(),
        "its sign-in token was revoked");

    assertEquals(
        200, api.send("PATCH", "/api/accounts/bob", "{\"admin\":false}", root).statusCode());
    assertError(api.send("GET", "/api/nodes", null, key), 403, "forbidden");
  }

  @Test
  void anAdministratorMayRevokeAnyonesKeyOthersMayNot() throws Exception {
    String id = create(alice, "{\"name\":\"ci\"}").getString("id");
    String mallory = tokens.issue("mallory", false, Duration.ofHours(1));
    assertError(api.send("DELETE", "/api/keys/" + id, null, mallory), 403, "forbidden");
    assertEquals(204, api.send("DELETE", "/api/keys/" + id, null, root).statusCode());
  }

  @Test
  void unknownOrMalformedKeyIdsAre404() throws Exception {
    assertError(api.send("DELETE", "/api/keys/0123456789abcdef", null, alice), 404, "unknown_key");
    assertError(api.send("DELETE", "/api/keys/..%2Fetc", null, alice), 404, "unknown_key");
    assertError(api.send("DELETE", "/api/keys/ABC", null, alice), 404, "unknown_key");
  }

  @Test
  void withoutACredentialEveryKeyRouteIs401() throws Exception {
    assertError(api.send("POST", "/api/keys", "{\"name\":\"ci\"}", null), 401, "unauthenticated");
    assertError(api.send("GET", "/api/keys", null, null), 401, "unauthenticated");
    assertError(
        api.send("DELETE", "/api/keys/0123456789abcdef", null, null), 401, "unauthenticated");
    String forged = ApiKeyText.mint(new SecureRandom()).text();
    assertError(api.send("GET", "/api/keys", null, forged), 401, "unauthenticated");
  }

  @Test
  void pierServicesHaveNoKeys() throws Exception {
    String service = tokens.issue("service:edge", true, Duration.ofMinutes(1));
    assertError(api.send("POST", "/api/keys", "{\"name\":\"ci\"}", service), 403, "forbidden");
  }

  @Test
  void aNameHas1To64PrintableCharacters() throws Exception {
    assertError(api.send("POST", "/api/keys", "{}", alice), 400, "invalid_name");
    assertError(api.send("POST", "/api/keys", "{\"name\":\"\"}", alice), 400, "invalid_name");
    assertError(api.send("POST", "/api/keys", "{\"name\":\"   \"}", alice), 400, "invalid_name");
    assertError(api.send("POST", "/api/keys", "{\"name\":5}", alice), 400, "invalid_name");
    assertError(
        api.send("POST", "/api/keys", "{\"name\":\"" + "n".repeat(65) + "\"}", alice),
        400,
        "invalid_name");
    assertError(api.send("POST", "/api/keys", "{\"name\":\"a\\nb\"}", alice), 400, "invalid_name");
    assertError(
        api.send("POST", "/api/keys", "{\"name\":\"evil\\u202Etxt.exe\"}", alice),
        400,
        "invalid_name");
    assertEquals(
        64, create(alice, "{\"name\":\"" + "n".repeat(64) + "\"}").getString("name").length());
    assertEquals("déploiement ✓", create(alice, "{\"name\":\"déploiement ✓\"}").getString("name"));
  }

  @Test
  void anExpiryIsAWholeNumberOfDaysUpToTenYears() throws Exception {
    for (String days : List.of("0", "-1", "3651", "1.5", "\"7\"", "true", "99999999999")) {
      assertError(
          api.send("POST", "/api/keys", "{\"name\":\"ci\",\"expiresInDays\":" + days + "}", alice),
          400,
          "invalid_expiry");
    }
    assertNull(create(alice, "{\"name\":\"ci\",\"expiresInDays\":null}").getValue("expiresAt"));
    create(alice, "{\"name\":\"ci\",\"expiresInDays\":3650}");
  }

  @Test
  void aBodyThatIsNoObjectOrHasOtherFieldsIsRefused() throws Exception {
    assertError(api.send("POST", "/api/keys", "{\"name\":", alice), 400, "malformed_json");
    assertError(api.send("POST", "/api/keys", "[\"ci\"]", alice), 400, "malformed_json");
    assertError(api.send("POST", "/api/keys", "", alice), 400, "malformed_json");
    assertError(
        api.send("POST", "/api/keys", "{\"name\":\"ci\",\"admin\":true}", alice),
        400,
        "invalid_request");
  }

  @Test
  void anAccountHasAtMost50Keys() throws Exception {
    for (int i = 0; i < ApiKeys.MAX_PER_ACCOUNT; i++) create(alice, "{\"name\":\"k" + i + "\"}");
    assertError(
        api.send("POST", "/api/keys", "{\"name\":\"one more\"}", alice), 400, "too_many_keys");
    create(root, "{\"name\":\"another account's\"}");
    String id =
        new JsonObject(api.send("GET", "/api/keys", null, alice).body())
            .getJsonArray("keys")
            .getJsonObject(0)
            .getString("id");
    assertEquals(204, api.send("DELETE", "/api/keys/" + id, null, alice).statusCode());
    create(alice, "{\"name\":\"in its place\"}");
  }
}
