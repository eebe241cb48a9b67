package io.pier.scheduler;

import static io.pier.scheduler.ReplServiceFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.auth.AuthToken;
import io.pier.common.auth.Credentials;
import io.pier.common.auth.TokenSigner;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OperatorToolTest {
  private static final String SECRET = "a-test-secret-long-enough";
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    return OperatorTool.run(
        args,
        env,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void printsTheMetricsTokenEveryServiceAccepts() {
    assertEquals(0, run(Map.of("PIER_AUTH_SECRET", SECRET), "metrics-token"));
    String token = out.toString(StandardCharsets.UTF_8).strip();
    assertTrue(new TokenSigner(SECRET, Clock.systemUTC()).isMetricsToken(token), token);
  }

  @Test
  void printsAnAdministratorsTokenForTheMinutesAsked() {
    assertEquals(0, run(Map.of("PIER_AUTH_SECRET", SECRET), "operator-token", "5"));
    AuthToken token =
        new TokenSigner(SECRET, Clock.systemUTC())
            .verify(out.toString(StandardCharsets.UTF_8).strip())
            .orElseThrow();
    assertTrue(token.admin() && token.isService(), token.toString());
    // Expiry is kept in whole seconds, the issue time finer.
    Duration lifetime = Duration.between(token.issuedAt(), token.expiresAt());
    assertTrue(
        lifetime.compareTo(Duration.ofMinutes(4)) > 0
            && lifetime.compareTo(Duration.ofMinutes(5)) <= 0,
        lifetime.toString());
  }

  @Test
  void refusesAnOperatorTokenForNoTimeOrMoreThanADay() {
    assertEquals(2, run(Map.of("PIER_AUTH_SECRET", SECRET), "operator-token", "0"));
    assertEquals(2, run(Map.of("PIER_AUTH_SECRET", SECRET), "operator-token", "1441"));
    assertEquals(2, run(Map.of("PIER_AUTH_SECRET", SECRET), "operator-token", "soon"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("from 1 to 1440"));
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void withoutTheSecretOrWithBadArgumentsItSaysWhy() {
    assertEquals(2, run(Map.of(), "metrics-token"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("PIER_AUTH_SECRET"));
    assertEquals(2, run(Map.of("PIER_AUTH_SECRET", SECRET), "admin"));
    assertEquals(2, run(Map.of("PIER_AUTH_SECRET", SECRET), "admin", "bob", "--maybe"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage"));
  }

  @Test
  void makesAnAdministratorThroughTheApiWithAServiceToken() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      AtomicReference<String> seen = new AtomicReference<>();
      HttpServer server =
          await(
              vertx
                  .createHttpServer()
                  .requestHandler(
                      req ->
                          req.body()
                              .onSuccess(
                                  body -> {
                                    AuthToken caller =
                                        new TokenSigner(SECRET, Clock.systemUTC())
                                            .verify(Credentials.bearer(req))
                                            .orElseThrow();
                                    seen.set(
                                        req.method()
                                            + " "
                                            + req.path()
                                            + " "
                                            + caller.subject()
                                            + " "
                                            + body);
                                    req.response()
                                        .putHeader("Content-Type", "application/json")
                                        .end(
                                            new JsonObject()
                                                .put("username", "bob")
                                                .put("admin", true)
                                                .encode());
                                  }))
                  .listen(0, "127.0.0.1"));
      assertEquals(
          0,
          run(
              Map.of(
                  "PIER_AUTH_SECRET",
                  SECRET,
                  "PIER_SCHEDULER_PORT",
                  String.valueOf(server.actualPort())),
              "admin",
              "bob"),
          err.toString(StandardCharsets.UTF_8));
      assertEquals("PATCH /api/accounts/bob service:operator {\"admin\":true}", seen.get());
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("bob is an administrator"));
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void saysSoWhenTheSchedulerIsNotThere() {
    assertEquals(
        1,
        run(
            Map.of("PIER_AUTH_SECRET", SECRET, "PIER_SCHEDULER_URL", "http://127.0.0.1:1"),
            "admin",
            "bob"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot reach the scheduler"));
  }
}
