package io.pier.scheduler.api;

import static io.pier.scheduler.ReplServiceFixture.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.auth.ApiKeyTable;
import io.pier.common.auth.EnvCipher;
import io.pier.common.auth.Revocations;
import io.pier.common.auth.TokenSigner;
import io.pier.common.http.ApiException;
import io.pier.common.http.OriginPolicy;
import io.pier.common.repl.EnvVar;
import io.pier.common.repl.ReplEnvStore;
import io.pier.common.repl.Slugs;
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
import io.pier.scheduler.node.NodeClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SchedulerApiTest {
  private ReplServiceFixture f;
  private HttpServer server;
  private Router router;
  private HttpClient http;
  private String base;

  @BeforeEach
  void serve() throws Exception {
    serve(ReplService.Quotas.NONE);
  }

  /** The one setup token of these tests' Pier. */
  private static final String SETUP = "the-setup-token-of-this-pier";

  private void serve(ReplService.Quotas quotas) throws Exception {
    f = new ReplServiceFixture(quotas);
    router = Router.router(f.vertx);
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
            Clock.systemUTC(),
            new SimpleMeterRegistry());
    revocations = Revocations.following(f.vertx, f.cluster.revocations(), Clock.systemUTC());
    ApiKeyTable keyTable = ApiKeyTable.local(Clock.systemUTC());
    tokens = new TokenSigner("a-test-secret-long-enough", Clock.systemUTC(), revocations, keyTable);
    var accounts =
        new Accounts(
            f.vertx, f.store, f.cluster.accounts(), Set.of("root"), true, SETUP, Clock.systemUTC());
    ApiKeys apiKeys =
        new ApiKeys(
            f.vertx,
            f.store,
            f.cluster.apiKeys(),
            keyTable,
            accounts,
            Clock.systemUTC(),
            new SecureRandom());
    var auth =
        new AuthApi(
            accounts,
            tokens,
            new StoredRevocations(
                f.vertx, f.store, revocations, Duration.ofHours(2), Clock.systemUTC()),
            apiKeys,
            Duration.ofHours(1),
            false,
            new OriginPolicy(URI.create("http://pier.localhost:8080"), List.of()),
            new RateLimiter(10, Duration.ofMinutes(1), Clock.systemUTC()));
    Function<String, String> previewUrl = slug -> "http://" + slug + ".pier.localhost:8080/";
    new SchedulerApi(
            f.service,
            f.drain,
            f.catalog,
            f.cluster,
            keeper,
            auth,
            new ApiKeysRoutes(apiKeys, Clock.systemUTC()),
            new AccountUsageRoutes(new AccountList(f.vertx, f.store, accounts), f.service),
            new AccountDeletion(f.service),
            new PreviewSignIn(auth, tokens, f.service::get, previewUrl),
            new RateLimiter(5, Duration.ofMinutes(1), Clock.systemUTC()),
            previewUrl,
            slug -> "http://pier.localhost:8080/ide/" + slug,
            new ReplEnvStore(f.store, new EnvCipher("a-test-secret-long-enough")),
            await(ApiContract.load(f.vertx)))
        .mount(f.vertx, router);
    bearer = tokens.issue("alice", false, Duration.ofHours(1));
    server = await(f.vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    base = "http://127.0.0.1:" + server.actualPort();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void close() throws Exception {
    await(server.close());
    f.close();
  }

  private TokenSigner tokens;
  private Revocations revocations;

  /** The token requests carry; tests of access control change it. */
  private String bearer;

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5));
    if (bearer != null) b.header("Authorization", "Bearer " + bearer);
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", "application/json");
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
  }

  /** A request with the given headers (name, value, …) and no bearer token unless one is among them. */
  private HttpResponse<String> sendWith(String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5));
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null && !List.of(headers).contains("Content-Type"))
      b.header("Content-Type", "application/json");
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
  }

  private static JsonObject assertError(
      HttpResponse<String> resp, int status, String code, String why) {
    assertEquals(status, resp.statusCode(), why + ": " + resp.body());
    return assertError(resp, status, code);
  }

  /** Asserts the one error shape: JSON with {@code error} and {@code message}. */
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

  private JsonObject createNode() throws Exception {
    HttpResponse<String> resp = send("POST", "/api/repls", "{\"template\":\"node\"}");
    assertEquals(201, resp.statusCode(), resp.body());
    return new JsonObject(resp.body());
  }

  @Test
  void malformedJsonIsRejected() throws Exception {
    assertError(send("POST", "/api/repls", "{\"template\":"), 400, "malformed_json");
  }

  @Test
  void aBodyThatIsNotAnObjectIsRejected() throws Exception {
    assertError(send("POST", "/api/repls", "[\"node\"]"), 400, "malformed_json");
    assertError(send("POST", "/api/repls", "\"node\""), 400, "malformed_json");
  }

  @Test
  void anEmptyBodyIsRejected() throws Exception {
    assertError(send("POST", "/api/repls", ""), 400, "malformed_json");
  }

  @Test
  void aBodyWithoutTemplateIsInvalid() throws Exception {
    assertError(send("POST", "/api/repls", "{}"), 400, "invalid_request");
    assertError(send("POST", "/api/repls", "{\"template\":5}"), 400, "invalid_request");
    assertError(send("POST", "/api/repls", "{\"template\":\"  \"}"), 400, "invalid_request");
  }

  @Test
  void anUnknownTemplateIsRejected() throws Exception {
    assertError(send("POST", "/api/repls", "{\"template\":\"cobol\"}"), 400, "unknown_template");
    assertError(send("POST", "/api/repls", "{\"template\":\"../etc\"}"), 400, "unknown_template");
    assertTrue(f.store.list("repls/").isEmpty());
  }

  @Test
  void createAnswers201WithSlugUrlsAndLocation() throws Exception {
    HttpResponse<String> resp = send("POST", "/api/repls", "{\"template\":\"node\"}");
    assertEquals(201, resp.statusCode(), resp.body());
    JsonObject body = new JsonObject(resp.body());
    String slug = body.getString("slug");
    assertTrue(Slugs.isValid(slug), slug);
    assertEquals("node", body.getString("template"));
    assertEquals("stopped", body.getString("state"));
    assertEquals("http://" + slug + ".pier.localhost:8080/", body.getString("previewUrl"));
    assertEquals("http://pier.localhost:8080/ide/" + slug, body.getString("ideUrl"));
    assertEquals("/api/repls/" + slug, resp.headers().firstValue("Location").orElse(null));
    assertTrue(f.store.get("repls/" + slug + "/repl.json").isPresent());
  }

  @Test
  void getReturnsACreatedRepl() throws Exception {
    String slug = createNode().getString("slug");
    HttpResponse<String> resp = send("GET", "/api/repls/" + slug, null);
    assertEquals(200, resp.statusCode(), resp.body());
    JsonObject body = new JsonObject(resp.body());
    assertEquals(slug, body.getString("slug"));
    assertEquals("http://" + slug + ".pier.localhost:8080/", body.getString("previewUrl"));
  }

  @Test
  void listReturnsEveryRepl() throws Exception {
    String a = createNode().getString("slug");
    String b = createNode().getString("slug");
    HttpResponse<String> resp = send("GET", "/api/repls", null);
    assertEquals(200, resp.statusCode(), resp.body());
    JsonArray repls = new JsonObject(resp.body()).getJsonArray("repls");
    assertEquals(2, repls.size());
    List<String> slugs = repls.stream().map(o -> ((JsonObject) o).getString("slug")).toList();
    assertTrue(slugs.containsAll(List.of(a, b)), slugs.toString());
  }

  @Test
  void getOfAnUnknownSlugIs404Json() throws Exception {
    assertError(send("GET", "/api/repls/no-such-repl", null), 404, "unknown_repl");
  }

  @Test
  void anInvalidSlugInThePathIs404Json() throws Exception {
    assertError(send("GET", "/api/repls/UPPER", null), 404, "unknown_repl");
    assertError(send("POST", "/api/repls/UPPER/start", null), 404, "unknown_repl");
    assertError(send("DELETE", "/api/repls/-bad-", null), 404, "unknown_repl");
  }

  @Test
  void aBodyOver16KibIs413Json() throws Exception {
    String big = "{\"template\":\"node\",\"pad\":\"" + "x".repeat(17 * 1024) + "\"}";
    assertError(send("POST", "/api/repls", big), 413, "too_large");
    assertTrue(f.store.list("repls/").isEmpty());
  }

  @Test
  void aBodyJustUnder16KibIsAccepted() throws Exception {
    // Padded with white space: the API refuses fields it does not know.
    String prefix = "{\"template\":\"node\"";
    String body = prefix + " ".repeat(16 * 1024 - prefix.length() - 1) + "}";
    assertEquals(16 * 1024, body.length());
    assertEquals(201, send("POST", "/api/repls", body).statusCode());
  }

  @Test
  void anUnknownApiPathIs404Json() throws Exception {
    assertError(send("GET", "/api/nothing-here", null), 404, "not_found");
    assertError(send("PUT", "/api/repls", "{}"), 404, "not_found");
  }

  @Test
  void startWithoutNodesIs503NoCapacity() throws Exception {
    String slug = createNode().getString("slug");
    JsonObject err =
        assertError(send("POST", "/api/repls/" + slug + "/start", null), 503, "no_capacity");
    assertTrue(err.getString("message").contains("no node-agent"), err.encode());
  }

  @Test
  void startAndStopWithANode() throws Exception {
    f.addNode("node-a");
    String slug = createNode().getString("slug");
    HttpResponse<String> started = send("POST", "/api/repls/" + slug + "/start", null);
    assertEquals(200, started.statusCode(), started.body());
    assertEquals("running", new JsonObject(started.body()).getString("state"));
    assertFalse(
        new JsonObject(started.body()).containsKey("node"),
        "the owner sees no node id: " + started.body());
    HttpResponse<String> stopped = send("POST", "/api/repls/" + slug + "/stop", null);
    assertEquals(200, stopped.statusCode(), stopped.body());
    assertEquals("stopped", new JsonObject(stopped.body()).getString("state"));
    assertEquals(1, f.nodes.starts.size());
    assertEquals(1, f.nodes.stops.size());
  }

  @Test
  void aStopNamesTheFilesItsNodeCouldNotStore() throws Exception {
    f.addNode("node-a");
    String slug = createNode().getString("slug");
    assertEquals(200, send("POST", "/api/repls/" + slug + "/start", null).statusCode());
    f.nodes.unsaved =
        List.of(new NodeClient.Unsaved("new\nline.txt", "a control character in the name"));
    HttpResponse<String> stopped = send("POST", "/api/repls/" + slug + "/stop", null);
    assertEquals(200, stopped.statusCode(), stopped.body());
    JsonObject body = new JsonObject(stopped.body());
    assertEquals("stopped", body.getString("state"));
    assertEquals("new\nline.txt", body.getJsonArray("unsaved").getJsonObject(0).getString("path"));
  }

  @Test
  void aNodeErrorIsPassedOnAsJson() throws Exception {
    f.addNode("node-a");
    f.nodes.failStartWith = new ApiException(502, "node_unreachable", "node node-a is gone");
    String slug = createNode().getString("slug");
    assertError(send("POST", "/api/repls/" + slug + "/start", null), 502, "node_unreachable");
  }

  @Test
  void anInternalErrorIs500JsonWithoutDetails() throws Exception {
    f.addNode("node-a");
    f.nodes.failStartWith = new IllegalStateException("secret internals");
    String slug = createNode().getString("slug");
    JsonObject err =
        assertError(send("POST", "/api/repls/" + slug + "/start", null), 500, "internal");
    assertFalse(err.getString("message").contains("secret"), err.encode());
  }

  @Test
  void deleteRemovesTheRepl() throws Exception {
    String slug = createNode().getString("slug");
    HttpResponse<String> resp = send("DELETE", "/api/repls/" + slug, null);
    assertEquals(200, resp.statusCode(), resp.body());
    assertEquals(
        new JsonObject().put("slug", slug).put("deleted", true), new JsonObject(resp.body()));
    assertError(send("GET", "/api/repls/" + slug, null), 404, "unknown_repl");
  }

  @Test
  void templatesListsBothTemplates() throws Exception {
    HttpResponse<String> resp = send("GET", "/api/templates", null);
    assertEquals(200, resp.statusCode(), resp.body());
    JsonArray templates = new JsonObject(resp.body()).getJsonArray("templates");
    List<String> names = templates.stream().map(o -> ((JsonObject) o).getString("name")).toList();
    assertTrue(names.containsAll(List.of("node", "python-flask")), names.toString());
    JsonObject node = templates.getJsonObject(names.indexOf("node"));
    assertEquals("pier-runner-node:latest", node.getString("image"));
    assertEquals(3000, node.getInteger("port"));
    assertNotNull(node.getJsonObject("limits"));
  }

  @Test
  void nodesListsTheClusterNodes() throws Exception {
    f.addNode("node-b");
    f.addNode("node-a");
    bearer = tokens.issue("root", true, Duration.ofHours(1));
    HttpResponse<String> resp = send("GET", "/api/nodes", null);
    assertEquals(200, resp.statusCode(), resp.body());
    JsonArray nodes = new JsonObject(resp.body()).getJsonArray("nodes");
    assertEquals(
        List.of("node-a", "node-b"),
        nodes.stream().map(o -> ((JsonObject) o).getString("id")).toList());
  }

  @Test
  void withoutATokenOrWithABadOneEveryRepoApiIsRefusedButTemplatesAreOpen() throws Exception {
    bearer = null;
    assertError(send("GET", "/api/repls", null), 401, "unauthenticated");
    assertError(send("POST", "/api/repls", "{\"template\":\"node\"}"), 401, "unauthenticated");
    assertError(send("GET", "/api/nodes", null), 401, "unauthenticated");
    assertEquals(200, send("GET", "/api/templates", null).statusCode());
    bearer =
        new TokenSigner("another-secret-entirely", Clock.systemUTC())
            .issue("alice", true, Duration.ofHours(1));
    assertError(send("GET", "/api/repls", null), 401, "unauthenticated");
    bearer = tokens.issue("alice", false, Duration.ofSeconds(-1));
    assertError(send("GET", "/api/repls", null), 401, "unauthenticated");
  }

  @Test
  void anotherUsersReplIsForbiddenAndNotListed() throws Exception {
    String slug =
        new JsonObject(send("POST", "/api/repls", "{\"template\":\"node\"}").body())
            .getString("slug");
    bearer = tokens.issue("mallory", false, Duration.ofHours(1));
    assertError(send("GET", "/api/repls/" + slug, null), 403, "forbidden");
    assertError(send("POST", "/api/repls/" + slug + "/start", ""), 403, "forbidden");
    assertError(send("DELETE", "/api/repls/" + slug, null), 403, "forbidden");
    assertEquals(
        0, new JsonObject(send("GET", "/api/repls", null).body()).getJsonArray("repls").size());
    assertError(send("GET", "/api/nodes", null), 403, "forbidden");
    bearer = tokens.issue("root", true, Duration.ofHours(1));
    assertEquals(
        200,
        send("GET", "/api/repls/" + slug, null).statusCode(),
        "an administrator sees every repl");
  }

  @Test
  void signUpSignInAndTheCookieItSets() throws Exception {
    bearer = null;
    HttpResponse<String> signup =
        send("POST", "/api/auth/signup", "{\"username\":\"bob\",\"password\":\"correct horse\"}");
    assertEquals(201, signup.statusCode(), signup.body());
    String cookie = signup.headers().firstValue("set-cookie").orElseThrow();
    assertTrue(
        cookie.startsWith("pier_token=")
            && cookie.toLowerCase(Locale.ROOT).contains("httponly")
            && cookie.contains("SameSite=Lax"),
        cookie);
    assertTrue(
        !cookie.toLowerCase(Locale.ROOT).contains("domain="),
        "host-only: previews on subdomains never see it");
    assertError(
        send("POST", "/api/auth/signup", "{\"username\":\"bob\",\"password\":\"another one\"}"),
        409,
        "username_taken");
    assertError(
        send("POST", "/api/auth/signup", "{\"username\":\"Bob!\",\"password\":\"correct horse\"}"),
        400,
        "invalid_username");
    assertError(
        send("POST", "/api/auth/signup", "{\"username\":\"carol\",\"password\":\"short\"}"),
        400,
        "weak_password");
    assertError(
        send("POST", "/api/auth/login", "{\"username\":\"bob\",\"password\":\"wrong horse\"}"),
        401,
        "bad_credentials");
    HttpResponse<String> login =
        send("POST", "/api/auth/login", "{\"username\":\"bob\",\"password\":\"correct horse\"}");
    assertEquals(200, login.statusCode());
    bearer = new JsonObject(login.body()).getString("token");
    assertEquals(
        "bob", new JsonObject(send("GET", "/api/auth/me", null).body()).getString("username"));
  }

  @Test
  void guessingOnesPasswordIsSlowedToTenTriesAMinuteAndThenEvenTheRightOneWaits() throws Exception {
    bearer = null;
    assertEquals(
        201,
        send("POST", "/api/auth/signup", "{\"username\":\"dave\",\"password\":\"correct horse\"}")
            .statusCode());
    for (int i = 0; i < 10; i++) {
      assertError(
          send(
              "POST",
              "/api/auth/login",
              "{\"username\":\"dave\",\"password\":\"guess " + i + "\"}"),
          401,
          "bad_credentials");
    }
    assertError(
        send("POST", "/api/auth/login", "{\"username\":\"dave\",\"password\":\"correct horse\"}"),
        429,
        "rate_limited");
    assertError(
        send("POST", "/api/auth/login", "{\"username\":\"erin\",\"password\":\"whatever it is\"}"),
        401,
        "bad_credentials");
  }

  @Test
  void anAdministratorTakenOffTheListIsNoAdministratorAtTheNextSignIn() throws Exception {
    var listed =
        new Accounts(
            f.vertx, f.store, f.cluster.accounts(), Set.of("ops"), true, Clock.systemUTC());
    assertTrue(await(listed.signUp("plain", "correct horse")) != null);
    var before =
        new Accounts(
            f.vertx, f.store, f.cluster.accounts(), Set.of("plain"), true, Clock.systemUTC());
    assertTrue(
        await(before.logIn("plain", "correct horse")).admin(),
        "listed in PIER_ADMINS: an administrator");
    var after =
        new Accounts(f.vertx, f.store, f.cluster.accounts(), Set.of(), true, Clock.systemUTC());
    assertFalse(await(after.logIn("plain", "correct horse")).admin());
  }

  @Test
  void anAccountOfAnEarlierVersionKeepsOnlyWhatTheListSays() throws Exception {
    // Earlier versions stored "admin": a copy of PIER_ADMINS at sign-up. It no longer counts.
    var hashed =
        new Accounts(f.vertx, f.store, f.cluster.accounts(), Set.of(), true, Clock.systemUTC());
    await(hashed.signUp("admin", "correct horse"));
    JsonObject stored =
        new JsonObject(new String(f.store.get("accounts/admin.json").orElseThrow(), UTF_8));
    stored.remove("administrator");
    stored.put("admin", true);
    f.store.put("accounts/admin.json", stored.encode().getBytes(UTF_8));
    await(f.cluster.accounts().remove("admin"));
    assertFalse(await(hashed.logIn("admin", "correct horse")).admin());
  }

  // ---- the first administrator: the setup token ----

  private HttpResponse<String> signUp(String username, String setupToken) throws Exception {
    JsonObject body = new JsonObject().put("username", username).put("password", "correct horse");
    if (setupToken != null) body.put("setupToken", setupToken);
    return send("POST", "/api/auth/signup", body.encode());
  }

  @Test
  void signingUpUnderAnAdministratorsNameWithoutTheSetupTokenIsRefused() throws Exception {
    bearer = null;
    JsonObject err = assertError(signUp("root", null), 403, "setup_token_required");
    assertTrue(err.getString("message").contains("setup token"), err.encode());
    assertFalse(f.store.get("accounts/root.json").isPresent(), "nothing was created");
    HttpResponse<String> admin = signUp("admin", null);
    assertEquals(201, admin.statusCode(), "'admin' is just a name now");
    assertFalse(
        new JsonObject(admin.body()).getBoolean("admin"),
        "and signing up as admin makes no administrator");
  }

  @Test
  void theSetupTokenMakesTheFirstAdministratorOnceAndOnlyOnce() throws Exception {
    bearer = null;
    assertError(signUp("ada", "not-the-setup-token-at-all"), 403, "bad_setup_token");
    assertError(
        send(
            "POST",
            "/api/auth/signup",
            "{\"username\":\"ada\",\"password\":\"correct horse\",\"setupToken\":5}"),
        400,
        "invalid_request");
    HttpResponse<String> first = signUp("ada", SETUP);
    assertEquals(201, first.statusCode(), first.body());
    assertTrue(new JsonObject(first.body()).getBoolean("admin"));
    assertTrue(f.store.get(Accounts.SETUP_USED).isPresent());
    assertError(signUp("eve", SETUP), 403, "setup_token_used");
    assertError(signUp("root", SETUP), 403, "setup_token_used");
    bearer = new JsonObject(first.body()).getString("token");
    assertEquals(
        200, send("GET", "/api/nodes", null).statusCode(), "the administrator administers");
  }

  @Test
  void aSetupSignUpUnderATakenNameLeavesTheTokenUsable() throws Exception {
    bearer = null;
    assertEquals(201, signUp("bob", null).statusCode());
    assertError(signUp("bob", SETUP), 409, "username_taken");
    assertEquals(201, signUp("root", SETUP).statusCode(), "the listed name, with the token");
  }

  @Test
  void theSetupTokenIsUsedOnceEvenWhenTwoSignUpsRace() throws Exception {
    bearer = null;
    List<CompletableFuture<HttpResponse<String>>> racing = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String body =
          new JsonObject()
              .put("username", "racer" + i)
              .put("password", "correct horse")
              .put("setupToken", SETUP)
              .encode();
      racing.add(
          http.sendAsync(
              HttpRequest.newBuilder(URI.create(base + "/api/auth/signup"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    long made = 0;
    for (var r : racing) {
      HttpResponse<String> resp = r.get(30, TimeUnit.SECONDS);
      if (resp.statusCode() == 201) {
        made++;
      } else {
        assertError(resp, 403, "setup_token_used");
      }
    }
    assertEquals(1, made);
  }

  // ---- revocation: sign-out and role changes hold before tokens expire ----

  @Test
  void signingOutRevokesEveryTokenOfTheUserAtOnce() throws Exception {
    bearer = null;
    String first = new JsonObject(signUp("bob", null).body()).getString("token");
    Thread.sleep(2);
    HttpResponse<String> login =
        send("POST", "/api/auth/login", "{\"username\":\"bob\",\"password\":\"correct horse\"}");
    String second = new JsonObject(login.body()).getString("token");
    bearer = second;
    assertEquals(200, send("GET", "/api/repls", null).statusCode());
    HttpResponse<String> out = send("POST", "/api/auth/logout", "");
    assertEquals(200, out.statusCode());
    assertTrue(new JsonObject(out.body()).getBoolean("revoked"), out.body());
    assertError(send("GET", "/api/repls", null), 401, "unauthenticated");
    bearer = first;
    assertError(
        send("GET", "/api/repls", null), 401, "unauthenticated", "the other device's token too");
    assertTrue(
        f.store.get(StoredRevocations.PREFIX + "bob.json").isPresent(),
        "kept in storage for a restart of the whole cluster");
    Thread.sleep(2);
    bearer = null;
    login =
        send("POST", "/api/auth/login", "{\"username\":\"bob\",\"password\":\"correct horse\"}");
    bearer = new JsonObject(login.body()).getString("token");
    assertEquals(200, send("GET", "/api/repls", null).statusCode(), "signing in again works");
    bearer = tokens.issue("alice", false, Duration.ofHours(1));
    assertEquals(
        200, send("GET", "/api/repls", null).statusCode(), "other users are not signed out");
  }

  @Test
  void signingOutWithoutATokenOnlyClearsTheCookie() throws Exception {
    bearer = null;
    HttpResponse<String> out = send("POST", "/api/auth/logout", "");
    assertEquals(200, out.statusCode());
    assertFalse(new JsonObject(out.body()).getBoolean("revoked"));
    assertTrue(out.headers().firstValue("set-cookie").orElse("").contains("Max-Age=0"));
  }

  @Test
  void aPreviewsPageCannotSignTheVisitorOut() throws Exception {
    assertError(
        sendWith(
            "POST",
            "/api/auth/logout",
            "",
            "Cookie",
            "pier_token=" + bearer,
            "Origin",
            "http://evil-app.pier.localhost:8080"),
        403,
        "forbidden_origin");
    assertEquals(200, send("GET", "/api/repls", null).statusCode(), "still signed in");
  }

  @Test
  void anAdministratorMakesAnotherAccountAdministratorAndItsOldTokensStopAtOnce() throws Exception {
    bearer = null;
    String bobs = new JsonObject(signUp("bob", null).body()).getString("token");
    bearer = tokens.issue("root", true, Duration.ofHours(1));
    Thread.sleep(2);
    HttpResponse<String> made = send("PATCH", "/api/accounts/bob", "{\"admin\":true}");
    assertEquals(200, made.statusCode(), made.body());
    assertTrue(new JsonObject(made.body()).getBoolean("admin"));
    bearer = bobs;
    assertError(send("GET", "/api/repls", null), 401, "unauthenticated");
    Thread.sleep(2);
    bearer = null;
    HttpResponse<String> login =
        send("POST", "/api/auth/login", "{\"username\":\"bob\",\"password\":\"correct horse\"}");
    assertTrue(new JsonObject(login.body()).getBoolean("admin"), login.body());
    String adminBobs = new JsonObject(login.body()).getString("token");

    bearer = tokens.issue("root", true, Duration.ofHours(1));
    Thread.sleep(2);
    assertEquals(200, send("PATCH", "/api/accounts/bob", "{\"admin\":false}").statusCode());
    bearer = adminBobs;
    assertError(
        send("GET", "/api/nodes", null),
        401,
        "unauthenticated",
        "demoted: its admin token is gone");
  }

  @Test
  void onlyAnAdministratorChangesRolesAndBadRequestsAreClear() throws Exception {
    assertError(send("PATCH", "/api/accounts/alice", "{\"admin\":true}"), 403, "forbidden");
    bearer = tokens.issue("root", true, Duration.ofHours(1));
    assertError(send("PATCH", "/api/accounts/nobody", "{\"admin\":true}"), 404, "unknown_account");
    assertError(send("PATCH", "/api/accounts/NO!", "{\"admin\":true}"), 404, "unknown_account");
    assertError(
        send("PATCH", "/api/accounts/alice", "{\"admin\":\"yes\"}"), 400, "invalid_request");
    assertError(
        send("PATCH", "/api/accounts/alice", "{\"admin\":true,\"x\":1}"), 400, "invalid_request");
    assertError(send("PATCH", "/api/accounts/alice", "nope"), 400, "malformed_json");
    bearer = null;
    assertError(send("PATCH", "/api/accounts/alice", "{\"admin\":true}"), 401, "unauthenticated");
  }

  @Test
  void theOperatorsServiceTokenMayChangeRoles() throws Exception {
    bearer = null;
    signUp("bob", null);
    bearer = tokens.issue("service:operator", true, Duration.ofMinutes(1));
    HttpResponse<String> made = send("PATCH", "/api/accounts/bob", "{\"admin\":true}");
    assertEquals(200, made.statusCode(), made.body());
  }

  @Test
  void aSignInLimitedByManyNamesSaysSoAndWhenToRetry() throws Exception {
    bearer = null;
    for (int i = 0; i < 10; i++)
      send("POST", "/api/auth/login", "{\"username\":\"dave\",\"password\":\"guess\"}");
    HttpResponse<String> limited =
        send("POST", "/api/auth/login", "{\"username\":\"dave\",\"password\":\"guess\"}");
    assertError(limited, 429, "rate_limited");
    assertEquals("60", limited.headers().firstValue("Retry-After").orElse(""));
  }

  // ---- caps per account ----

  @Test
  void anAccountAtItsCapOfReplsIsRefusedAndAnAdministratorIsNot() throws Exception {
    close();
    serve(new ReplService.Quotas(2, 1));
    createNode();
    createNode();
    JsonObject err =
        assertError(send("POST", "/api/repls", "{\"template\":\"node\"}"), 429, "repl_limit");
    assertTrue(err.getString("message").contains("2"), err.encode());
    assertEquals(
        2,
        new JsonObject(send("GET", "/api/repls", null).body()).getJsonArray("repls").size(),
        "the refused one left nothing behind");
    bearer = tokens.issue("root", true, Duration.ofHours(1));
    for (int i = 0; i < 3; i++) createNode();
    bearer = tokens.issue("bob", false, Duration.ofHours(1));
    createNode();
  }

  @Test
  void anAccountAtItsCapOfRunningReplsIsRefusedEvenWhenAPreviewWakesOne() throws Exception {
    close();
    serve(new ReplService.Quotas(5, 1));
    f.addNode("n1");
    String one = createNode().getString("slug");
    String two = createNode().getString("slug");
    assertEquals(200, send("POST", "/api/repls/" + one + "/start", null).statusCode());
    JsonObject err =
        assertError(send("POST", "/api/repls/" + two + "/start", null), 429, "running_limit");
    assertTrue(err.getString("message").contains("1"), err.encode());
    assertEquals(
        "stopped",
        new JsonObject(send("GET", "/api/repls/" + two, null).body()).getString("state"));
    String alices = bearer;
    bearer = tokens.issue("service:edge", true, Duration.ofMinutes(5));
    assertError(send("POST", "/api/repls/" + two + "/start", null), 429, "running_limit");
    bearer = alices;
    assertEquals(200, send("POST", "/api/repls/" + one + "/stop", null).statusCode());
    assertEquals(
        200,
        send("POST", "/api/repls/" + two + "/start", null).statusCode(),
        "room again after a stop");
    bearer = tokens.issue("root", true, Duration.ofHours(1));
    assertEquals(
        200,
        send("POST", "/api/repls/" + one + "/start", null).statusCode(),
        "an administrator is exempt");
  }

  @Test
  void creatingReplsTooFastIsRateLimited() throws Exception {
    for (int i = 0; i < 5; i++)
      assertEquals(201, send("POST", "/api/repls", "{\"template\":\"node\"}").statusCode());
    assertError(send("POST", "/api/repls", "{\"template\":\"node\"}"), 429, "rate_limited");
  }

  // ---- origins ----

  @Test
  void aCookieCarryingCallFromAPreviewsPageIsRefused() throws Exception {
    String cookie = "pier_token=" + bearer;
    assertError(
        sendWith(
            "POST",
            "/api/repls",
            "{\"template\":\"node\"}",
            "Cookie",
            cookie,
            "Origin",
            "http://brave-otter-3f9a2c.pier.localhost:8080"),
        403,
        "forbidden_origin");
    assertError(
        sendWith(
            "POST", "/api/repls", "{\"template\":\"node\"}", "Cookie", cookie, "Origin", "null"),
        403,
        "forbidden_origin");
    assertTrue(f.store.list("repls/").isEmpty(), "nothing was created");
    assertEquals(
        200,
        sendWith(
                "GET",
                "/api/repls",
                null,
                "Cookie",
                cookie,
                "Origin",
                "http://brave-otter-3f9a2c.pier.localhost:8080")
            .statusCode(),
        "reading changes nothing");
  }

  @Test
  void aCookieCarryingCallFromPiersOwnOriginOrWithoutOnePasses() throws Exception {
    String cookie = "pier_token=" + bearer;
    String body = "{\"template\":\"node\"}";
    assertEquals(
        201,
        sendWith(
                "POST",
                "/api/repls",
                body,
                "Cookie",
                cookie,
                "Origin",
                "http://pier.localhost:8080")
            .statusCode(),
        "the public URL's origin");
    assertEquals(
        201,
        sendWith("POST", "/api/repls", body, "Cookie", cookie, "Origin", base).statusCode(),
        "the origin the request itself was addressed to");
    assertEquals(
        201,
        sendWith(
                "POST",
                "/api/repls",
                body,
                "Cookie",
                cookie,
                "Origin",
                base.replace("http:", "https:"),
                "X-Forwarded-Proto",
                "https")
            .statusCode(),
        "the scheme the edge-proxy says the browser used");
    assertEquals(
        201,
        sendWith("POST", "/api/repls", body, "Cookie", cookie).statusCode(),
        "no Origin: not a page");
    assertError(
        sendWith(
            "POST",
            "/api/repls",
            body,
            "Cookie",
            cookie,
            "Origin",
            base,
            "X-Forwarded-Proto",
            "https"),
        403,
        "forbidden_origin");
  }

  @Test
  void aBearerTokenIsNotAttachedByBrowsersSoItsOriginDoesNotMatter() throws Exception {
    assertEquals(
        201,
        sendWith(
                "POST",
                "/api/repls",
                "{\"template\":\"node\"}",
                "Authorization",
                "Bearer " + bearer,
                "Origin",
                "http://evil.example")
            .statusCode());
  }

  // ---- visibility ----

  @Test
  void aReplIsCreatedPublicOrPrivateAndItsVisibilityChangedByItsOwner() throws Exception {
    assertEquals("public", createNode().getString("visibility"));
    HttpResponse<String> created =
        send("POST", "/api/repls", "{\"template\":\"node\",\"visibility\":\"private\"}");
    assertEquals(201, created.statusCode(), created.body());
    String slug = new JsonObject(created.body()).getString("slug");
    assertEquals("private", new JsonObject(created.body()).getString("visibility"));
    assertTrue(
        new String(f.store.get("repls/" + slug + "/repl.json").orElseThrow(), UTF_8)
            .contains("\"private\""));

    HttpResponse<String> opened =
        send("PATCH", "/api/repls/" + slug, "{\"visibility\":\"public\"}");
    assertEquals(200, opened.statusCode(), opened.body());
    assertEquals("public", new JsonObject(opened.body()).getString("visibility"));
    assertEquals(
        "public",
        new JsonObject(send("GET", "/api/repls/" + slug, null).body()).getString("visibility"));

    bearer = tokens.issue("mallory", false, Duration.ofHours(1));
    assertError(
        send("PATCH", "/api/repls/" + slug, "{\"visibility\":\"private\"}"), 403, "forbidden");
  }

  @Test
  void aPatchWithAnUnknownFieldOrValueIsRefused() throws Exception {
    String slug = createNode().getString("slug");
    assertError(send("PATCH", "/api/repls/" + slug, "{}"), 400, "invalid_request");
    assertError(
        send("PATCH", "/api/repls/" + slug, "{\"visibility\":\"secret\"}"), 400, "invalid_request");
    assertError(
        send("PATCH", "/api/repls/" + slug, "{\"visibility\":true}"), 400, "invalid_request");
    assertError(
        send("PATCH", "/api/repls/" + slug, "{\"visibility\":\"private\",\"owner\":\"mallory\"}"),
        400,
        "invalid_request");
    assertError(send("PATCH", "/api/repls/" + slug, "[\"private\"]"), 400, "malformed_json");
    assertError(send("PATCH", "/api/repls/" + slug, "{\"visibility\":"), 400, "malformed_json");
    assertError(send("PATCH", "/api/repls/" + slug, ""), 400, "malformed_json");
    assertError(
        send("POST", "/api/repls", "{\"template\":\"node\",\"visibility\":\"hidden\"}"),
        400,
        "invalid_request");
    assertError(
        send("PATCH", "/api/repls/no-such-repl", "{\"visibility\":\"private\"}"),
        404,
        "unknown_repl");
    assertEquals(
        "public",
        new JsonObject(send("GET", "/api/repls/" + slug, null).body()).getString("visibility"));
  }

  // ---- labels and timeouts, for repls made by programs ----

  @Test
  void aReplIsCreatedWithLabelsAndATimeoutAndFoundByItsLabels() throws Exception {
    HttpResponse<String> created =
        send(
            "POST",
            "/api/repls",
            "{\"template\":\"node\",\"labels\":{\"ci\":\"run-42\",\"suite\":\"unit\"},"
                + "\"timeoutS\":600,\"onTimeout\":\"delete\"}");
    assertEquals(201, created.statusCode(), created.body());
    JsonObject repl = new JsonObject(created.body());
    assertEquals("run-42", repl.getJsonObject("labels").getString("ci"));
    assertEquals(600, repl.getJsonObject("lifetime").getInteger("timeoutS"));
    assertEquals("delete", repl.getJsonObject("lifetime").getString("onTimeout"));
    String other = createNode().getString("slug");

    JsonArray found =
        new JsonObject(send("GET", "/api/repls?label=ci=run-42&label=suite", null).body())
            .getJsonArray("repls");
    assertEquals(1, found.size(), found.encode());
    assertEquals(repl.getString("slug"), found.getJsonObject(0).getString("slug"));
    assertEquals(
        0,
        new JsonObject(send("GET", "/api/repls?label=ci=run-43", null).body())
            .getJsonArray("repls")
            .size());
    assertEquals(
        2, new JsonObject(send("GET", "/api/repls", null).body()).getJsonArray("repls").size());

    HttpResponse<String> relabelled =
        send("PATCH", "/api/repls/" + other, "{\"labels\":{\"ci\":\"run-42\"}}");
    assertEquals(200, relabelled.statusCode(), relabelled.body());
    assertEquals(
        2,
        new JsonObject(send("GET", "/api/repls?label=ci=run-42", null).body())
            .getJsonArray("repls")
            .size());
  }

  @Test
  void theTimeoutIsSetAndRemovedByItsOwnerOnly() throws Exception {
    String slug = createNode().getString("slug");
    HttpResponse<String> set = send("POST", "/api/repls/" + slug + "/timeout", "{\"timeoutS\":30}");
    assertEquals(200, set.statusCode(), set.body());
    JsonObject lifetime = new JsonObject(set.body()).getJsonObject("lifetime");
    assertEquals(30, lifetime.getInteger("timeoutS"));
    assertEquals("stop", lifetime.getString("onTimeout"));
    HttpResponse<String> removed =
        send("POST", "/api/repls/" + slug + "/timeout", "{\"timeoutS\":null}");
    assertEquals(200, removed.statusCode(), removed.body());
    assertTrue(new JsonObject(removed.body()).getValue("lifetime") == null, removed.body());

    bearer = tokens.issue("mallory", false, Duration.ofHours(1));
    assertError(
        send("POST", "/api/repls/" + slug + "/timeout", "{\"timeoutS\":1}"), 403, "forbidden");
  }

  @Test
  void badLabelsTimeoutsAndUnknownFieldsAreRefusedByName() throws Exception {
    String slug = createNode().getString("slug");
    assertError(
        send("POST", "/api/repls", "{\"template\":\"node\",\"labels\":{\"bad name\":\"x\"}}"),
        400,
        "invalid_labels");
    assertError(
        send("POST", "/api/repls", "{\"template\":\"node\",\"labels\":[\"x\"]}"),
        400,
        "invalid_labels");
    assertError(
        send("POST", "/api/repls", "{\"template\":\"node\",\"timeoutS\":0}"),
        400,
        "invalid_timeout");
    assertError(
        send("POST", "/api/repls", "{\"template\":\"node\",\"timeoutS\":1.5}"),
        400,
        "invalid_timeout");
    assertError(
        send("POST", "/api/repls", "{\"template\":\"node\",\"onTimeout\":\"delete\"}"),
        400,
        "invalid_request");
    assertError(
        send("POST", "/api/repls", "{\"template\":\"node\",\"timeout\":60}"),
        400,
        "invalid_request");
    assertError(
        send("POST", "/api/repls/" + slug + "/timeout", "{\"timeoutS\":9999999999}"),
        400,
        "invalid_timeout");
    assertError(
        send(
            "POST",
            "/api/repls/" + slug + "/timeout",
            "{\"timeoutS\":60,\"onTimeout\":\"explode\"}"),
        400,
        "invalid_request");
    assertError(send("POST", "/api/repls/" + slug + "/timeout", "{}"), 400, "malformed_json");
    assertError(send("GET", "/api/repls?label=a%20b", null), 400, "invalid_labels");
  }

  // ---- private previews ----

  private String createPrivate() throws Exception {
    HttpResponse<String> created =
        send("POST", "/api/repls", "{\"template\":\"node\",\"visibility\":\"private\"}");
    assertEquals(201, created.statusCode(), created.body());
    return new JsonObject(created.body()).getString("slug");
  }

  @Test
  void theOwnerIsSentBackToThePreviewWithATokenForThatSlugOnly() throws Exception {
    String slug = createPrivate();
    HttpResponse<String> r =
        sendWith(
            "GET",
            "/api/auth/preview?slug=" + slug + "&return=%2Fpage%3Fx%3D1",
            null,
            "Cookie",
            "pier_token=" + bearer,
            "Accept",
            "text/html");
    assertEquals(302, r.statusCode(), r.body());
    URI location = URI.create(r.headers().firstValue("Location").orElseThrow());
    assertEquals(slug + ".pier.localhost", location.getHost());
    assertEquals("/__pier/auth", location.getPath());
    Map<String, String> query = new HashMap<>();
    for (String pair : location.getRawQuery().split("&")) {
      String[] kv = pair.split("=", 2);
      query.put(kv[0], URLDecoder.decode(kv[1], UTF_8));
    }
    assertEquals("/page?x=1", query.get("return"));
    assertEquals("alice", tokens.verifyPreview(query.get("token"), slug).orElseThrow().subject());
    assertFalse(tokens.verify(query.get("token")).isPresent(), "not an API token");
    assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
  }

  @Test
  void aReturnPathToAnotherHostIsReplacedByTheRoot() throws Exception {
    String slug = createPrivate();
    HttpResponse<String> r =
        sendWith(
            "GET",
            "/api/auth/preview?slug=" + slug + "&return=%2F%2Fevil.example%2F",
            null,
            "Authorization",
            "Bearer " + bearer);
    assertEquals(302, r.statusCode(), r.body());
    assertTrue(
        r.headers().firstValue("Location").orElseThrow().endsWith("&return=%2F"),
        r.headers().firstValue("Location").orElseThrow());
  }

  @Test
  void aSignedOutBrowserIsSentToSignInAndComesBackHere() throws Exception {
    String slug = createPrivate();
    HttpResponse<String> page =
        sendWith(
            "GET",
            "/api/auth/preview?slug=" + slug + "&return=%2Fa",
            null,
            "Accept",
            "text/html,application/xhtml+xml");
    assertEquals(302, page.statusCode());
    String location = page.headers().firstValue("Location").orElseThrow();
    assertTrue(location.startsWith("/?next="), location);
    assertEquals(
        "/api/auth/preview?slug=" + slug + "&return=%2Fa",
        URLDecoder.decode(location.substring("/?next=".length()), UTF_8));
    assertError(sendWith("GET", "/api/auth/preview?slug=" + slug, null), 401, "unauthenticated");
  }

  @Test
  void anotherUserGetsAPageThatSaysThePreviewIsPrivate() throws Exception {
    String slug = createPrivate();
    String mallory = tokens.issue("mallory", false, Duration.ofHours(1));
    HttpResponse<String> page =
        sendWith(
            "GET",
            "/api/auth/preview?slug=" + slug,
            null,
            "Cookie",
            "pier_token=" + mallory,
            "Accept",
            "text/html");
    assertEquals(403, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(page.body().contains("private") && page.body().contains("mallory"), page.body());
    assertError(
        sendWith(
            "GET", "/api/auth/preview?slug=" + slug, null, "Authorization", "Bearer " + mallory),
        403,
        "forbidden");
    String root = tokens.issue("root", true, Duration.ofHours(1));
    assertEquals(
        302,
        sendWith("GET", "/api/auth/preview?slug=" + slug, null, "Authorization", "Bearer " + root)
            .statusCode(),
        "an administrator may");
  }

  @Test
  void anUnknownOrInvalidSlugIs404AndAPublicReplNeedsNoToken() throws Exception {
    assertError(
        sendWith(
            "GET",
            "/api/auth/preview?slug=no-such-repl",
            null,
            "Authorization",
            "Bearer " + bearer),
        404,
        "unknown_repl");
    assertError(sendWith("GET", "/api/auth/preview?slug=NOPE", null), 404, "unknown_repl");
    assertError(sendWith("GET", "/api/auth/preview", null), 404, "unknown_repl");
    HttpResponse<String> page =
        sendWith(
            "GET",
            "/api/auth/preview?slug=no-such-repl",
            null,
            "Authorization",
            "Bearer " + bearer,
            "Accept",
            "text/html");
    assertEquals(404, page.statusCode());
    assertTrue(page.body().contains("No repl here"), page.body());
    String slug = createNode().getString("slug");
    HttpResponse<String> open =
        sendWith(
            "GET",
            "/api/auth/preview?slug=" + slug + "&return=%2Fx",
            null,
            "Authorization",
            "Bearer " + bearer);
    assertEquals(302, open.statusCode());
    assertEquals(
        "http://" + slug + ".pier.localhost:8080/x",
        open.headers().firstValue("Location").orElseThrow());
  }

  @Test
  void aPreviewTokenDoesNotOpenTheApi() throws Exception {
    String slug = createPrivate();
    bearer = tokens.issuePreview("alice", false, slug, Duration.ofMinutes(1));
    assertError(send("GET", "/api/repls", null), 401, "unauthenticated");
    assertError(send("GET", "/api/repls/" + slug, null), 401, "unauthenticated");
    assertError(send("GET", "/api/auth/me", null), 401, "unauthenticated");
    assertError(
        sendWith("GET", "/api/repls", null, "Cookie", "pier_token=" + bearer),
        401,
        "unauthenticated");
  }

  @Test
  void aSecretIsListedByNameAndItsValueIsNeverAnsweredAgain() throws Exception {
    String slug = createNode().getString("slug");
    HttpResponse<String> set =
        send("PUT", "/api/repls/" + slug + "/env/API_TOKEN", "{\"value\":\"t0k3n-s3cr3t\"}");
    assertEquals(200, set.statusCode(), set.body());
    assertFalse(set.body().contains("t0k3n-s3cr3t"), set.body());
    assertEquals(true, new JsonObject(set.body()).getBoolean("secret"), "a secret by default");
    send("PUT", "/api/repls/" + slug + "/env/MODE", "{\"value\":\"dev\",\"secret\":false}");
    HttpResponse<String> list = send("GET", "/api/repls/" + slug + "/env", null);
    assertEquals(200, list.statusCode(), list.body());
    assertFalse(list.body().contains("t0k3n-s3cr3t"), list.body());
    JsonArray env = new JsonObject(list.body()).getJsonArray("env");
    assertEquals("API_TOKEN", env.getJsonObject(0).getString("name"), "by name");
    assertFalse(env.getJsonObject(0).containsKey("value"));
    assertEquals("MODE", env.getJsonObject(1).getString("name"));
    assertEquals("dev", env.getJsonObject(1).getString("value"), "a plain variable shows");
    for (var info : f.store.list("repls/" + slug + "/env/")) {
      String stored = new String(f.store.get(info.key()).orElseThrow(), UTF_8);
      assertFalse(stored.contains("t0k3n-s3cr3t"), "sealed in storage: " + stored);
    }
  }

  @Test
  void aDeletedVariableIsGoneAndDeletingItAgainIs404() throws Exception {
    String slug = createNode().getString("slug");
    send("PUT", "/api/repls/" + slug + "/env/A", "{\"value\":\"1\"}");
    assertEquals(200, send("DELETE", "/api/repls/" + slug + "/env/A", null).statusCode());
    assertError(send("DELETE", "/api/repls/" + slug + "/env/A", null), 404, "unknown_variable");
    assertEquals(
        0,
        new JsonObject(send("GET", "/api/repls/" + slug + "/env", null).body())
            .getJsonArray("env")
            .size());
  }

  @Test
  void badVariablesAreRefusedNamingTheProblem() throws Exception {
    String slug = createNode().getString("slug");
    String env = "/api/repls/" + slug + "/env/";
    assertError(send("PUT", env + "PIER_RUN", "{\"value\":\"x\"}"), 400, "invalid_variable");
    assertError(send("PUT", env + "1A", "{\"value\":\"x\"}"), 400, "invalid_variable");
    assertError(send("PUT", env + "A", "{\"value\":3}"), 400, "invalid_variable");
    assertError(
        send("PUT", env + "A", "{\"value\":\"x\",\"secret\":\"yes\"}"), 400, "invalid_variable");
    assertError(send("PUT", env + "A", "{\"value\":\"x\",\"other\":1}"), 400, "invalid_request");
    assertError(send("PUT", env + "A", "[1]"), 400, "malformed_json");
    assertError(
        send("PUT", env + "A", "{\"value\":\"" + "x".repeat(9000) + "\"}"),
        400,
        "invalid_variable");
  }

  @Test
  void anotherUsersReplsVariablesAreForbidden() throws Exception {
    String slug = createNode().getString("slug");
    send("PUT", "/api/repls/" + slug + "/env/A", "{\"value\":\"mine\"}");
    bearer = tokens.issue("mallory", false, Duration.ofHours(1));
    assertError(send("GET", "/api/repls/" + slug + "/env", null), 403, "forbidden");
    assertError(
        send("PUT", "/api/repls/" + slug + "/env/A", "{\"value\":\"theirs\"}"), 403, "forbidden");
    assertError(send("DELETE", "/api/repls/" + slug + "/env/A", null), 403, "forbidden");
    assertError(send("GET", "/api/repls/nosuchrepl/env", null), 404, "unknown_repl");
  }

  @Test
  void aReplHoldsAtMostAHundredVariables() throws Exception {
    String slug = createNode().getString("slug");
    for (int i = 0; i < EnvVar.MAX_VARS; i++) {
      assertEquals(
          200, send("PUT", "/api/repls/" + slug + "/env/V" + i, "{\"value\":\"x\"}").statusCode());
    }
    assertError(
        send("PUT", "/api/repls/" + slug + "/env/ONE_MORE", "{\"value\":\"x\"}"),
        409,
        "too_many_variables");
    assertEquals(
        200,
        send("PUT", "/api/repls/" + slug + "/env/V0", "{\"value\":\"y\"}").statusCode(),
        "an existing one may change");
  }

  /** Every route of the API is in the OpenAPI document and every operation the scheduler serves has a route. */
  @Test
  void theRoutesAndTheOpenApiDocumentAgree() throws Exception {
    Set<String> routes = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (path == null || path.contains("*") || route.methods() == null) continue;
      for (HttpMethod method : route.methods()) {
        routes.add(method.name() + " " + path.replaceAll(":([A-Za-z]+)", "{$1}"));
      }
    }
    Set<String> documented = new TreeSet<>();
    JsonObject paths = ApiContract.read().getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : List.of("get", "put", "post", "patch", "delete")) {
        JsonObject operation = item.getJsonObject(method);
        // Routes another service serves behind the edge (the IDE session, exec, files) are
        // documented only.
        if (operation != null && operation.getString("x-pier-served-by") == null) {
          documented.add(method.toUpperCase(Locale.ROOT) + " " + path);
        }
      }
    }
    assertEquals(documented, routes);
  }

  @Test
  void theDocumentIsServedAndABodyThatBreaksItIsRefusedNamingTheField() throws Exception {
    HttpResponse<String> document = sendWith("GET", "/api/openapi.json", null);
    assertEquals(200, document.statusCode());
    assertEquals("3.1.0", new JsonObject(document.body()).getString("openapi"));
    JsonObject refused =
        assertError(
            send("POST", "/api/repls", "{\"template\":\"node\",\"timeoutS\":\"soon\"}"),
            400,
            "invalid_timeout");
    assertTrue(refused.getString("message").contains("timeoutS"), refused.encode());
    assertError(
        send("POST", "/api/repls", "{\"template\":7}"),
        400,
        "invalid_request",
        "a template is a name");
  }

  @Test
  void aJsonBodySentWithoutItsContentTypeIsStillRead() throws Exception {
    HttpResponse<String> created =
        sendWith(
            "POST",
            "/api/repls",
            "{\"template\":\"node\"}",
            "Authorization",
            "Bearer " + bearer,
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertEquals(201, created.statusCode(), created.body());
  }

  // ---- titles and descriptions ----

  @Test
  void aTitleAndDescriptionAreSetAtCreateChangedByPatchAndSurviveARestart() throws Exception {
    HttpResponse<String> created =
        send(
            "POST",
            "/api/repls",
            "{\"template\":\"node\",\"title\":\"  Shop  \",\"description\":\"A little shop\"}");
    assertEquals(201, created.statusCode(), created.body());
    JsonObject repl = new JsonObject(created.body());
    String slug = repl.getString("slug");
    assertEquals("Shop", repl.getString("title"));
    assertEquals("A little shop", repl.getString("description"));

    HttpResponse<String> renamed =
        send("PATCH", "/api/repls/" + slug, "{\"title\":\"Corner shop\"}");
    assertEquals(200, renamed.statusCode(), renamed.body());
    assertEquals("Corner shop", new JsonObject(renamed.body()).getString("title"));
    assertEquals(
        "A little shop",
        new JsonObject(renamed.body()).getString("description"),
        "a PATCH of the title keeps the description");
    JsonObject listed =
        new JsonObject(send("GET", "/api/repls", null).body())
            .getJsonArray("repls")
            .getJsonObject(0);
    assertEquals("Corner shop", listed.getString("title"));

    await(f.cluster.repls().remove(slug)); // the whole cluster restarted
    await(f.recovery.recover());
    JsonObject recovered = new JsonObject(send("GET", "/api/repls/" + slug, null).body());
    assertEquals("Corner shop", recovered.getString("title"));
    assertEquals("A little shop", recovered.getString("description"));

    HttpResponse<String> cleared =
        send("PATCH", "/api/repls/" + slug, "{\"title\":\"\",\"description\":null}");
    assertEquals(200, cleared.statusCode(), cleared.body());
    assertEquals(null, new JsonObject(cleared.body()).getString("title"));
    assertEquals(null, new JsonObject(cleared.body()).getString("description"));
  }

  @Test
  void aBadTitleOrDescriptionIs400NamingTheField() throws Exception {
    String slug = createNode().getString("slug");
    JsonObject tooLong =
        assertError(
            send("PATCH", "/api/repls/" + slug, "{\"title\":\"" + "x".repeat(81) + "\"}"),
            400,
            "invalid_title");
    assertTrue(tooLong.getString("message").contains("\"title\""), tooLong.encode());
    assertError(
        send("PATCH", "/api/repls/" + slug, "{\"title\":\"two\\nlines\"}"), 400, "invalid_title");
    assertError(send("PATCH", "/api/repls/" + slug, "{\"title\":7}"), 400, "invalid_title");
    assertError(
        send("PATCH", "/api/repls/" + slug, "{\"description\":\"" + "d".repeat(501) + "\"}"),
        400,
        "invalid_description");
    assertError(
        send("POST", "/api/repls", "{\"template\":\"node\",\"title\":\"" + "x".repeat(81) + "\"}"),
        400,
        "invalid_title");
  }

  @Test
  void onlyTheOwnerRenamesARepl() throws Exception {
    String slug = createNode().getString("slug");
    bearer = tokens.issue("mallory", false, Duration.ofHours(1));
    assertError(send("PATCH", "/api/repls/" + slug, "{\"title\":\"mine\"}"), 403, "forbidden");
    assertError(
        send("PATCH", "/api/repls/calm-otter-999999", "{\"title\":\"x\"}"), 404, "unknown_repl");
  }

  @Test
  void useMovesAReplsLastActiveTimeAtMostOnceAMinuteAndItIsStored() throws Exception {
    JsonObject repl = createNode();
    String slug = repl.getString("slug");
    String created = repl.getString("lastActiveAt");
    f.clock.advance(Duration.ofSeconds(30));
    await(f.service.touch(slug));
    assertEquals(created, storedLastActive(slug), "within a minute nothing is written");
    f.clock.advance(Duration.ofSeconds(45));
    await(f.service.touch(slug));
    String moved = f.clock.instant().toString();
    assertEquals(moved, storedLastActive(slug));
    assertEquals(
        moved,
        new JsonObject(send("GET", "/api/repls/" + slug, null).body()).getString("lastActiveAt"));
  }

  private String storedLastActive(String slug) {
    return new JsonObject(
            new String(f.store.get("repls/" + slug + "/repl.json").orElseThrow(), UTF_8))
        .getString("lastActiveAt");
  }
}
