package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import io.pier.common.config.Mains;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A repl's secrets end to end (issue 17): set through the API, they reach {@code env} in the repl's terminal, as the
 * repl's user, and appear in no API answer, no log line of any service and no object in storage.
 */
class ReplSecretsIT {
  private static PierOnLoopback pier;
  private static Vertx vertx;
  private static String slug;
  private static final LogLines logs = new LogLines();
  private static Level pierLevel;

  @BeforeAll
  static void startARepl() throws Exception {
    // Everything Pier logs, down to DEBUG, is searched for the secret afterwards.
    Logger pierLogger = (Logger) LoggerFactory.getLogger("io.pier");
    pierLevel = pierLogger.getLevel();
    pierLogger.setLevel(Level.DEBUG);
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs.start();
    root.addAppender(logs);
    pier = new PierOnLoopback();
    vertx = Vertx.vertx();
    slug =
        new JsonObject(EdgeApi.send(pier, "POST", "/api/repls", "{\"template\":\"node\"}").body())
            .getString("slug");
    assertEquals(200, EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/start", "").statusCode());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (vertx != null) Mains.await(vertx.close(), Duration.ofSeconds(10));
    } finally {
      ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
      ((Logger) LoggerFactory.getLogger("io.pier")).setLevel(pierLevel);
      if (pier != null) pier.close();
    }
  }

  @Test
  void aSecretReachesEnvInATerminalAndNoAnswerLogOrStoredObject() throws Exception {
    String secret = "s3cr3t-" + UUID.randomUUID();
    assertEquals(
        200,
        EdgeApi.send(
                pier,
                "PUT",
                "/api/repls/" + slug + "/env/API_TOKEN",
                "{\"value\":\"" + secret + "\"}")
            .statusCode());
    assertEquals(
        200,
        EdgeApi.send(
                pier,
                "PUT",
                "/api/repls/" + slug + "/env/MODE",
                "{\"value\":\"dev\",\"secret\":false}")
            .statusCode());

    // Set while the repl runs: the next terminal has it, no restart needed. Printed reversed, so
    // that the terminal's echo of the typed command cannot be what matches.
    try (SessionClient s = SessionClient.connect(vertx, pier, slug)) {
      int term = SessionClient.ok(s.request("term.open", new JsonObject())).getInteger("term");
      s.sendInput(term, "env | grep -E '^(API_TOKEN|MODE)=' | sort | rev | tr '\\n' ' '; id -u\n");
      s.awaitOutput(term, reverse("API_TOKEN=" + secret) + " " + reverse("MODE=dev"));
      SessionClient.ok(s.request("term.close", new JsonObject().put("term", term)));
    }

    for (String path : List.of("/api/repls/" + slug + "/env", "/api/repls/" + slug, "/api/repls")) {
      HttpResponse<String> answer = EdgeApi.send(pier, "GET", path, null);
      assertEquals(200, answer.statusCode(), path);
      assertFalse(answer.body().contains(secret), path + " answers the secret: " + answer.body());
    }
    for (var object : pier.store.list("repls/" + slug + "/")) {
      String stored =
          new String(pier.store.get(object.key()).orElseThrow(), StandardCharsets.UTF_8);
      assertFalse(stored.contains(secret), object.key() + " holds the secret in clear");
    }
    assertFalse(logs.contain(secret), "a log line holds the secret");
  }

  @Test
  void aChangedValueReachesTheNextTerminal() throws Exception {
    EdgeApi.send(
        pier,
        "PUT",
        "/api/repls/" + slug + "/env/GREETING",
        "{\"value\":\"one\",\"secret\":false}");
    try (SessionClient s = SessionClient.connect(vertx, pier, slug)) {
      int first = SessionClient.ok(s.request("term.open", new JsonObject())).getInteger("term");
      s.sendInput(first, "echo \"[$GREETING]\" | rev\n");
      s.awaitOutput(first, "]eno[");
      EdgeApi.send(
          pier,
          "PUT",
          "/api/repls/" + slug + "/env/GREETING",
          "{\"value\":\"two\",\"secret\":false}");
      int second = SessionClient.ok(s.request("term.open", new JsonObject())).getInteger("term");
      s.sendInput(second, "echo \"[$GREETING]\" | rev\n");
      s.awaitOutput(second, "]owt[");
      EdgeApi.send(pier, "DELETE", "/api/repls/" + slug + "/env/GREETING", null);
      int third = SessionClient.ok(s.request("term.open", new JsonObject())).getInteger("term");
      s.sendInput(third, "echo \"[${GREETING-unset}]\" | rev\n");
      s.awaitOutput(third, "]tesnu[");
    }
  }

  private static String reverse(String text) {
    return new StringBuilder(text).reverse().toString();
  }

  /** Every line logged in this JVM (the services run in it), with its exception. */
  private static final class LogLines extends AppenderBase<ILoggingEvent> {
    private final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
      String line = event.getFormattedMessage();
      if (event.getThrowableProxy() != null) {
        line += "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
      }
      lines.add(line);
    }

    boolean contain(String text) {
      return lines.stream().anyMatch(line -> line.contains(text));
    }
  }
}
