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

/**
 * The scheduler's whole API on a loopback port over a {@link ReplServiceFixture}'s fakes (cluster, storage, clock), as
 * the API tests talk to it: HTTP with a bearer token. {@code root} is an administrator by {@code PIER_ADMINS}.
 */
final class ApiServer implements AutoCloseable {
  static final String SECRET = "a-test-secret-long-enough";

  final ReplServiceFixture f;
  final TokenSigner tokens;
  final String base;
  final HttpClient http;
  private final HttpServer server;

  ApiServer() throws Exception {
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
            new AccountDeletion(f.service),
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
  }

  @Override
  public void close() throws Exception {
    await(server.close());
    f.close();
  }

  /** A request with an optional JSON body and bearer token. */
  HttpResponse<String> send(String method, String path, String body, String bearer)
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

  /** Asserts a JSON error answer with this status and code and a message; returns its body. */
  static JsonObject assertError(HttpResponse<String> resp, int status, String code) {
    assertEquals(status, resp.statusCode(), resp.body());
    assertTrue(
        resp.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
        resp.headers().toString());
    JsonObject body = new JsonObject(resp.body());
    assertEquals(code, body.getString("error"), resp.body());
    assertFalse(body.getString("message", "").isBlank(), resp.body());
    return body;
  }
}
