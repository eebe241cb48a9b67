package io.pier.scheduler.api;

import static io.pier.scheduler.ReplServiceFixture.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.auth.ApiKeyTable;
import io.pier.common.auth.EnvCipher;
import io.pier.common.auth.Revocations;
import io.pier.common.auth.TokenSigner;
import io.pier.common.http.OriginPolicy;
import io.pier.common.repl.ReplEnvStore;
import io.pier.scheduler.FleetKeeper;
import io.pier.scheduler.FleetSignal;
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
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The exact JSON of the endpoints whose answers the service layer used to build itself: the e2e tests and the web
 * client read these bodies, so their fields, values and order must stay as they are.
 */
class SchedulerApiWireTest {
  private ReplServiceFixture f;
  private HttpServer server;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private String base;
  private String bearer;

  @BeforeEach
  void serve() throws Exception {
    f = new ReplServiceFixture(ReplService.Quotas.NONE);
    Clock clock = Clock.systemUTC();
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
    Revocations revocations = Revocations.following(f.vertx, f.cluster.revocations(), clock);
    ApiKeyTable keyTable = ApiKeyTable.local(clock);
    TokenSigner tokens = new TokenSigner("a-test-secret-long-enough", clock, revocations, keyTable);
    Accounts accounts =
        new Accounts(f.vertx, f.store, f.cluster.accounts(), Set.of("root"), true, null, clock);
    ApiKeys apiKeys =
        new ApiKeys(
            f.vertx, f.store, f.cluster.apiKeys(), keyTable, accounts, clock, new SecureRandom());
    AuthApi auth =
        new AuthApi(
            accounts,
            tokens,
            new StoredRevocations(f.vertx, f.store, revocations, Duration.ofHours(2), clock),
            apiKeys,
            Duration.ofHours(1),
            false,
            new OriginPolicy(URI.create("http://pier.localhost:8080"), List.of()),
            new RateLimiter(10, Duration.ofMinutes(1), clock));
    Function<String, String> previewUrl = slug -> "http://" + slug + ".pier.localhost:8080/";
    Router router = Router.router(f.vertx);
    new SchedulerApi(
            f.service,
            f.drain,
            f.catalog,
            f.cluster,
            keeper,
            auth,
            new ApiKeysRoutes(apiKeys, clock),
            new AccountUsageRoutes(new AccountList(f.vertx, f.store, accounts), f.service),
            new AccountDeletion(f.service),
            new PreviewSignIn(auth, tokens, f.service::get, previewUrl),
            new RateLimiter(5, Duration.ofMinutes(1), clock),
            previewUrl,
            slug -> "http://pier.localhost:8080/ide/" + slug,
            new ReplEnvStore(f.store, new EnvCipher("a-test-secret-long-enough")),
            await(ApiContract.load(f.vertx)))
        .mount(f.vertx, router);
    bearer = tokens.issue("root", true, Duration.ofHours(1));
    server = await(f.vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    base = "http://127.0.0.1:" + server.actualPort();
  }

  @AfterEach
  void close() throws Exception {
    await(server.close());
    f.close();
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(5))
            .header("Authorization", "Bearer " + bearer);
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) b.header("Content-Type", "application/json");
    HttpResponse<String> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
    assertEquals(
        method.equals("POST") && path.equals("/api/repls") ? 201 : 200,
        resp.statusCode(),
        resp.body());
    return resp;
  }

  private JsonObject create() throws Exception {
    return new JsonObject(send("POST", "/api/repls", "{\"template\":\"node\"}").body());
  }

  /** The repl as the API shows it, with the fields a test expects next. */
  private static String repl(JsonObject shown, String state, String node) {
    return "{\"slug\":\""
        + shown.getString("slug")
        + "\",\"template\":\"node\",\"owner\":\"root\",\"state\":\""
        + state
        + "\",\"node\":"
        + (node == null ? "null" : "\"" + node + "\"")
        + ",\"createdAt\":\""
        + shown.getString("createdAt")
        + "\",\"lastActiveAt\":\""
        + shown.getString("lastActiveAt")
        + "\",\"limits\":"
        + shown.getJsonObject("limits").encode()
        + ",\"visibility\":\"public\",\"labels\":{},\"lifetime\":null,\"title\":null,\"description\":null"
        + ",\"collaborators\":[],\"forkable\":false,\"previewUrl\":\"http://"
        + shown.getString("slug")
        + ".pier.localhost:8080/\",\"ideUrl\":\"http://pier.localhost:8080/ide/"
        + shown.getString("slug")
        + "\",\"role\":\"owner\"";
  }

  @Test
  void aCreatedReplShowsItsFieldsInOrderWithItsUrls() throws Exception {
    JsonObject created = create();
    assertEquals(
        repl(created, "stopped", null) + "}",
        send("GET", "/api/repls/" + created.getString("slug"), null).body());
  }

  @Test
  void aStartShowsTheRunningReplAndAStopAddsWhatWasNotStored() throws Exception {
    f.addNode("node-a");
    String slug = create().getString("slug");
    String started = send("POST", "/api/repls/" + slug + "/start", null).body();
    assertEquals(repl(new JsonObject(started), "running", "node-a") + "}", started);
    f.nodes.unsaved =
        List.of(new NodeClient.Unsaved("a\nb.txt", "a control character in the name"));
    String stopped = send("POST", "/api/repls/" + slug + "/stop", null).body();
    assertEquals(
        repl(new JsonObject(stopped), "stopped", null)
            + ",\"unsaved\":[{\"path\":\"a\\nb.txt\",\"reason\":\"a control character in the name\"}]}",
        stopped);
  }

  @Test
  void aStopWithEverythingStoredShowsAnEmptyUnsavedList() throws Exception {
    String slug = create().getString("slug");
    String stopped = send("POST", "/api/repls/" + slug + "/stop", null).body();
    assertEquals(repl(new JsonObject(stopped), "stopped", null) + ",\"unsaved\":[]}", stopped);
  }

  @Test
  void aDeleteSaysWhatWasDeleted() throws Exception {
    String slug = create().getString("slug");
    assertEquals(
        "{\"slug\":\"" + slug + "\",\"deleted\":true}",
        send("DELETE", "/api/repls/" + slug, null).body());
  }

  @Test
  void aDrainListsTheReplsMovedAndThoseThatCouldNotBe() throws Exception {
    f.addNode("node-a");
    String slug = create().getString("slug");
    send("POST", "/api/repls/" + slug + "/start", null);
    f.addNode("node-b");
    assertEquals(
        "{\"node\":\"node-a\",\"draining\":true,\"moved\":[\"" + slug + "\"],\"failed\":{}}",
        send("POST", "/api/nodes/node-a/drain", null).body());
    String stuck = send("POST", "/api/nodes/node-b/drain", null).body();
    String why = new JsonObject(stuck).getJsonObject("failed").getString(slug);
    assertTrue(why.startsWith("cannot start " + slug + ": "), why);
    assertEquals(
        "{\"node\":\"node-b\",\"draining\":true,\"moved\":[],\"failed\":{\""
            + slug
            + "\":"
            + Json.encode(why)
            + "}}",
        stuck);
  }

  @Test
  void anUndrainSaysOnlyThatTheNodeTakesWorkAgain() throws Exception {
    f.addNode("node-a");
    assertEquals(
        "{\"node\":\"node-a\",\"draining\":false}",
        send("POST", "/api/nodes/node-a/undrain", null).body());
  }

  @Test
  void theFleetSignalShowsCapacityUseTheRuleAndWhetherTheClusterIsSafe() throws Exception {
    f.addNode("node-a");
    assertEquals(
        "{\"nodes\":1,\"activeNodes\":1,\"capacity\":{\"slots\":20,\"memoryMb\":16384,\"cpus\":8.0},"
            + "\"used\":{\"repls\":0,\"reservedMemoryMb\":0,\"cpus\":0.0},\"utilisation\":0.0,\"targetUtilisation\":0.7,"
            + "\"desiredNodes\":1,\"scaleOut\":false,\"rule\":\""
            + FleetSignal.RULE
            + "\","
            + "\"cluster\":{\"members\":1,\"safe\":true}}",
        send("GET", "/api/fleet", null).body());
  }
}
