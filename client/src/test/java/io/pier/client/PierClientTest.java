package io.pier.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The requests the client sends, checked against a fake Pier on loopback, and how it reads the answers. */
class PierClientTest {
  private static final String REPL =
      "{\"slug\":\"blue-fox-1a2b3c\",\"template\":\"node\",\"state\":\"stopped\",\"labels\":{\"ci\":\"1\"},"
          + "\"ideUrl\":\"http://pier.localhost:8080/ide/blue-fox-1a2b3c\"}";
  private final ObjectMapper json = new ObjectMapper();
  private final FakePier fake;
  private final PierClient pier;

  @TempDir Path dir;

  PierClientTest() throws Exception {
    fake = new FakePier();
    pier = PierClient.connect(fake.url(), "pier_abc_secret");
  }

  @AfterEach
  void close() {
    fake.close();
  }

  @Test
  void createSendsTemplateLabelsAndTimeoutWithTheKeyAsBearer() throws Exception {
    fake.answer("POST /api/repls", 201, REPL);
    Repl repl =
        pier.repls().create(CreateRepl.of("node").label("ci", "1").timeout(Duration.ofMinutes(30)));
    assertEquals("blue-fox-1a2b3c", repl.slug());
    assertEquals("1", repl.labels().get("ci"));
    FakePier.Request sent = fake.last();
    assertEquals("Bearer pier_abc_secret", sent.header("Authorization"));
    assertEquals("application/json", sent.header("Content-type"));
    JsonNode body = json.readTree(sent.body());
    assertEquals("node", body.path("template").asText());
    assertEquals("1", body.path("labels").path("ci").asText());
    assertEquals(1800, body.path("timeoutS").asLong());
    assertEquals("stop", body.path("onTimeout").asText());
  }

  @Test
  void listEncodesEachLabelSelector() {
    fake.answer(
        "GET /api/repls?label=ci=1&label=team%20a=x%26y", 200, "{\"repls\":[" + REPL + "]}");
    List<Repl> repls = pier.repls().list("ci=1", "team a=x&y");
    assertEquals(1, repls.size());
  }

  @Test
  void anErrorBodyBecomesAPierExceptionWithStatusCodeAndMessage() {
    fake.answer(
        "GET /api/repls/nope",
        404,
        "{\"error\":\"unknown_repl\",\"message\":\"no repl named 'nope'\"}");
    PierException e = assertThrows(PierException.class, () -> pier.repls().get("nope"));
    assertEquals(404, e.status());
    assertEquals("unknown_repl", e.code());
    assertEquals("no repl named 'nope'", e.getMessage());
    assertEquals("no repl named 'nope' (404 unknown_repl)", e.line());
  }

  @Test
  void anAnswerThatIsNotPiersJsonStillGivesAReadableError() {
    fake.answer(
        "GET /api/repls/x",
        new FakePier.Answer(
            502, "text/html", "<html>\n bad gateway </html>".getBytes(StandardCharsets.UTF_8)));
    PierException e = assertThrows(PierException.class, () -> pier.repls().get("x"));
    assertEquals(502, e.status());
    assertEquals("http_502", e.code());
    assertEquals("<html> bad gateway </html>", e.getMessage());
  }

  @Test
  void aSlugOrNameCannotChangeTheRouteAsked() {
    fake.answer("DELETE /api/repls/a%2F..%2Fkeys", 200, "{}");
    pier.repls().delete("a/../keys");
    assertEquals("/api/repls/a%2F..%2Fkeys", fake.last().target());
  }

  @Test
  void envSetSendsValueAndSecretAndASecretReadsBackWithoutValue() throws Exception {
    fake.answer("GET /api/repls/r", 200, REPL.replace("blue-fox-1a2b3c", "r"));
    fake.answer("PUT /api/repls/r/env/API_TOKEN", 200, "{\"name\":\"API_TOKEN\",\"secret\":true}");
    Env.Variable v = pier.repls().get("r").env().set("API_TOKEN", "s3cr3t", true);
    assertTrue(v.secret());
    assertNull(v.value());
    JsonNode body = json.readTree(fake.last().body());
    assertEquals("s3cr3t", body.path("value").asText());
    assertTrue(body.path("secret").asBoolean());
  }

  @Test
  void execSendsTheCommandAndReadsExitCodeAndOutput() throws Exception {
    fake.answer("GET /api/repls/r", 200, REPL.replace("blue-fox-1a2b3c", "r"));
    fake.answer(
        "POST /api/repls/r/exec",
        200,
        "{\"exitCode\":3,\"stdout\":\"out\",\"stderr\":\"err\",\"timedOut\":false,\"truncated\":false}");
    ExecResult result =
        pier.repls()
            .get("r")
            .exec(ExecRequest.of("npm", "test").cwd("app").timeout(Duration.ofSeconds(60)));
    assertEquals(new ExecResult(3, "out", "err", false, false), result);
    JsonNode body = json.readTree(fake.last().body());
    assertEquals("[\"npm\",\"test\"]", body.path("cmd").toString());
    assertEquals("app", body.path("cwd").asText());
    assertEquals(60, body.path("timeoutS").asInt());
  }

  @Test
  void streamedExecHandsOutputToTheListenerAndReturnsTheExit() {
    fake.answer("GET /api/repls/r", 200, REPL.replace("blue-fox-1a2b3c", "r"));
    String b64 = Base64.getEncoder().encodeToString("hello\n".getBytes(StandardCharsets.UTF_8));
    String events =
        "event: start\ndata: {\"id\":\"p1\",\"pid\":7}\n\n"
            + "event: stdout\ndata: "
            + b64
            + "\n\n"
            + "event: stderr\ndata: "
            + b64
            + "\n\n"
            + "event: exit\ndata: {\"exitCode\":1,\"timedOut\":false,\"killed\":false}\n\n";
    fake.answer(
        "POST /api/repls/r/exec",
        new FakePier.Answer(200, "text/event-stream", events.getBytes(StandardCharsets.UTF_8)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExecResult result =
        pier.repls()
            .get("r")
            .exec(
                ExecRequest.of("node", "test.js"),
                new ExecListener() {
                  @Override
                  public void stdout(byte[] data) {
                    out.writeBytes(data);
                  }

                  @Override
                  public void stderr(byte[] data) {
                    err.writeBytes(data);
                  }
                });
    assertEquals(1, result.exitCode());
    assertEquals("hello\n", out.toString(StandardCharsets.UTF_8));
    assertEquals("hello\n", err.toString(StandardCharsets.UTF_8));
    assertEquals("text/event-stream", fake.last().header("Accept"));
  }

  @Test
  void uploadArchiveSendsATarOfTheFolderThatExtractsToTheSameFiles() throws Exception {
    fake.answer("GET /api/repls/r", 200, REPL.replace("blue-fox-1a2b3c", "r"));
    fake.answer(
        "PUT /api/repls/r/archive/app?format=tar",
        200,
        "{\"path\":\"app\",\"files\":2,\"folders\":1,\"bytes\":9}");
    Path project = Files.createDirectories(dir.resolve("project"));
    Files.writeString(project.resolve("package.json"), "{}\n");
    Files.createDirectories(project.resolve("lib"));
    Files.writeString(project.resolve("lib/a.js"), "let a;\n");
    ArchiveResult done = pier.repls().get("r").files().uploadArchive(project, "app");
    assertEquals(2, done.files());
    assertEquals("application/x-tar", fake.last().header("Content-type"));
    Path back = dir.resolve("back");
    TarReader.Extracted extracted =
        TarReader.extract(new ByteArrayInputStream(fake.last().body()), back);
    assertEquals(2, extracted.files());
    assertEquals("let a;\n", Files.readString(back.resolve("lib/a.js")));
  }

  @Test
  void readStreamsAFilesBytesAndWriteSendsThem() throws Exception {
    byte[] bytes = {0, 1, 2, (byte) 255};
    fake.answer("GET /api/repls/r", 200, REPL.replace("blue-fox-1a2b3c", "r"));
    fake.answer(
        "GET /api/repls/r/files/src/a%20b.bin",
        new FakePier.Answer(200, "application/octet-stream", bytes));
    fake.answer("PUT /api/repls/r/files/src/a%20b.bin", 200, "{\"path\":\"src/a b.bin\"}");
    ReplFiles files = pier.repls().get("r").files();
    try (InputStream in = files.read("src/a b.bin")) {
      assertArrayEquals(bytes, in.readAllBytes());
    }
    files.write("src/a b.bin", bytes);
    assertArrayEquals(bytes, fake.last().body());
  }

  @Test
  void anUnreachablePierSaysWhereItWasLookedFor() {
    String url = fake.url().toString();
    fake.close();
    PierException e = assertThrows(PierException.class, () -> pier.repls().list());
    assertEquals(0, e.status());
    assertEquals("unreachable", e.code());
    assertTrue(e.getMessage().contains(url), e.getMessage());
    assertFalse(e.getMessage().contains("pier_abc_secret"));
  }
}
