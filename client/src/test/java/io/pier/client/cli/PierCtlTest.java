package io.pier.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pier.client.FakePier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pierctl end to end against a fake Pier on loopback: what it sends, prints and exits with. */
class PierCtlTest {
  private static final String REPL =
      "{\"slug\":\"blue-fox-1a2b3c\",\"template\":\"node\",\"state\":\"stopped\",\"labels\":{\"ci\":\"1\"},"
          + "\"ideUrl\":\"http://pier.localhost:8080/ide/blue-fox-1a2b3c\"}";

  private final FakePier fake;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private String stdin = "";

  @TempDir Path dir;

  PierCtlTest() throws Exception {
    fake = new FakePier();
  }

  @AfterEach
  void close() {
    fake.close();
  }

  private int pierctl(String... args) {
    Map<String, String> env = Map.of("PIER_URL", fake.url().toString(), "PIER_KEY", "pier_k_s");
    return pierctl(new ConfigStore(dir.resolve("config.json"), env), args);
  }

  private int pierctl(ConfigStore config, String... args) {
    return new PierCtl(
            config,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8))
        .run(args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aRefusalIsOneLineNamingMessageStatusAndCodeAndExits1() {
    fake.answer(
        "DELETE /api/repls/blue-fox-1a2b3c",
        404,
        "{\"error\":\"unknown_repl\",\"message\":\"no repl named 'blue-fox-1a2b3c'\"}");
    assertEquals(1, pierctl("rm", "blue-fox-1a2b3c"));
    assertEquals("pierctl: no repl named 'blue-fox-1a2b3c' (404 unknown_repl)\n", err());
  }

  @Test
  void aUsageErrorExits2WithoutAskingPier() {
    assertEquals(2, pierctl("exec", "blue-fox-1a2b3c", "ls"));
    assertTrue(err().startsWith("pierctl: exec needs the command after --"), err());
    assertEquals(2, pierctl("frobnicate"));
    assertTrue(fake.requests().isEmpty());
  }

  @Test
  void createPrintsTheSlugAndSendsLabelsAndTimeout() throws Exception {
    fake.answer("POST /api/repls", 201, REPL);
    assertEquals(0, pierctl("create", "node", "--label", "ci=1", "--timeout", "30m"));
    assertEquals("blue-fox-1a2b3c\n", out());
    JsonNode body = new ObjectMapper().readTree(fake.last().body());
    assertEquals("1", body.path("labels").path("ci").asText());
    assertEquals(1800, body.path("timeoutS").asInt());
    assertEquals("Bearer pier_k_s", fake.last().header("Authorization"));
  }

  @Test
  void forkPrintsTheNewSlugAndSendsTheTitle() throws Exception {
    fake.answer(
        "POST /api/repls/blue-fox-1a2b3c/fork",
        201,
        REPL.replace("blue-fox-1a2b3c", "red-owl-4d5e6f"));
    assertEquals(0, pierctl("fork", "blue-fox-1a2b3c", "--title", "Try it"));
    assertEquals("red-owl-4d5e6f\n", out());
    assertEquals("Try it", new ObjectMapper().readTree(fake.last().body()).path("title").asText());
  }

  @Test
  void lsQuietPrintsSlugsOfTheLabelledRepls() {
    fake.answer("GET /api/repls?label=ci=1", 200, "{\"repls\":[" + REPL + "]}");
    assertEquals(0, pierctl("ls", "--label", "ci=1", "-q"));
    assertEquals("blue-fox-1a2b3c\n", out());
  }

  @Test
  void execStreamsTheOutputAndExitsWithTheCommandsCode() {
    fake.answer("GET /api/repls/blue-fox-1a2b3c", 200, REPL);
    String b64 = Base64.getEncoder().encodeToString("1 failing\n".getBytes(StandardCharsets.UTF_8));
    String events =
        "event: stdout\ndata: "
            + b64
            + "\n\nevent: exit\ndata: {\"exitCode\":7,\"timedOut\":false}\n\n";
    fake.answer(
        "POST /api/repls/blue-fox-1a2b3c/exec",
        new FakePier.Answer(200, "text/event-stream", events.getBytes(StandardCharsets.UTF_8)));
    assertEquals(7, pierctl("exec", "blue-fox-1a2b3c", "--", "npm", "test"));
    assertEquals("1 failing\n", out());
    assertTrue(
        fake.last().bodyText().contains("\"cmd\":[\"npm\",\"test\"]"), fake.last().bodyText());
  }

  @Test
  void openPrintsTheIdeUrl() {
    fake.answer("GET /api/repls/blue-fox-1a2b3c", 200, REPL);
    assertEquals(0, pierctl("open", "blue-fox-1a2b3c"));
    assertEquals("http://pier.localhost:8080/ide/blue-fox-1a2b3c\n", out());
  }

  @Test
  void loginChecksTheKeyReadFromStdinThenStoresItPrivately() throws Exception {
    fake.answer("GET /api/auth/me", 200, "{\"username\":\"ada\",\"admin\":false}");
    Path file = dir.resolve("cfg/config.json");
    stdin = "pier_id_secret\n";
    assertEquals(
        0, pierctl(new ConfigStore(file, Map.of()), "login", "--url", fake.url().toString()));
    assertTrue(out().contains("as ada"), out());
    assertEquals("Bearer pier_id_secret", fake.last().header("Authorization"));
    assertEquals(
        new ConfigStore.Login(fake.url().toString(), "pier_id_secret"),
        new ConfigStore(file, Map.of()).load());
  }

  @Test
  void aRefusedKeyIsNotStored() {
    fake.answer(
        "GET /api/auth/me", 401, "{\"error\":\"unauthenticated\",\"message\":\"sign in first\"}");
    Path file = dir.resolve("config.json");
    assertEquals(
        1,
        pierctl(
            new ConfigStore(file, Map.of()),
            "login",
            "--url",
            fake.url().toString(),
            "--key",
            "bad"));
    assertEquals("pierctl: sign in first (401 unauthenticated)\n", err());
    assertFalse(Files.exists(file));
  }

  @Test
  void cpOfAFolderUploadsItAsATarIntoTheRemotePath() throws Exception {
    fake.answer("GET /api/repls/blue-fox-1a2b3c", 200, REPL);
    fake.answer(
        "PUT /api/repls/blue-fox-1a2b3c/archive/app?format=tar",
        200,
        "{\"path\":\"app\",\"files\":1,\"folders\":0,\"bytes\":3}");
    Path project = Files.createDirectories(dir.resolve("project"));
    Files.writeString(project.resolve("a.js"), "1;\n");
    assertEquals(0, pierctl("cp", project.toString(), "blue-fox-1a2b3c:app"));
    assertEquals("uploaded 1 files in 0 folders (3 bytes)\n", out());
    assertEquals("application/x-tar", fake.last().header("Content-type"));
  }

  @Test
  void cpBetweenTwoLocalPathsIsAUsageError() {
    assertEquals(2, pierctl("cp", "a", "b"));
  }

  @Test
  void theBashCompletionScriptIsValidBash() throws Exception {
    assertEquals(0, pierctl("completion", "bash"));
    assertTrue(out().contains("complete -F _pierctl pierctl"));
    Path script = dir.resolve("completion.bash");
    Files.writeString(script, out());
    Process bash =
        new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
    String said = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, bash.waitFor(), said);
  }
}
