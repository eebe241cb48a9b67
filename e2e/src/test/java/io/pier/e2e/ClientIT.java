package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.client.Collaborators;
import io.pier.client.CreateRepl;
import io.pier.client.Env;
import io.pier.client.ExecRequest;
import io.pier.client.ExecResult;
import io.pier.client.Keys;
import io.pier.client.PierClient;
import io.pier.client.PierException;
import io.pier.client.Repl;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client (client/) driven against a real Pier on loopback, as a program would use it (issue 17): create a
 * repl from a key, upload a project as an archive, run its tests with exec and read exit code and output, download
 * the result, delete the repl; a revoked key stops working.
 *
 * <p>The parts that need routes not yet on main (exec: branch exec17, files and archives: files17, keys: keys17)
 * are skipped by assumption, naming the missing route, when that route answers 404; they run once it is merged.
 */
class ClientIT {
  private static PierOnLoopback pier;
  private static PierClient client;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    pier = new PierOnLoopback();
    // A program acts through an API key its user made (with a sign-in token), never the token.
    client = as(as(pier.userToken).keys().create("client-it").key());
  }

  @AfterAll
  static void stop() throws Exception {
    if (pier != null) pier.close();
  }

  private static PierClient as(String key) {
    return PierClient.builder(URI.create("http://127.0.0.1:" + pier.edgePort))
        .host(PierOnLoopback.DOMAIN)
        .key(key)
        .timeout(Duration.ofSeconds(120))
        .build();
  }

  @Test
  void aProgramManagesReplsByLabelEnvAndTimeoutAndReadsPiersErrors() {
    Repl repl =
        client
            .repls()
            .create(CreateRepl.of("node").label("ci", "client-it").timeout(Duration.ofMinutes(30)));
    try {
      assertEquals("node", repl.template());
      assertEquals(Map.of("ci", "client-it"), repl.labels());
      assertEquals(1800, repl.json().path("lifetime").path("timeoutS").asLong());

      List<String> labelled =
          client.repls().list("ci=client-it").stream().map(Repl::slug).collect(Collectors.toList());
      assertEquals(List.of(repl.slug()), labelled);
      assertTrue(client.repls().list("ci=someone-else").isEmpty());

      client.repls().labels(repl.slug(), Map.of("ci", "relabelled"));
      assertEquals(Map.of("ci", "relabelled"), client.repls().get(repl.slug()).labels());

      repl.env().set("API_TOKEN", "s3cr3t", true);
      repl.env().set("MODE", "test", false);
      Map<String, Env.Variable> vars =
          repl.env().list().stream().collect(Collectors.toMap(Env.Variable::name, v -> v));
      assertEquals(null, vars.get("API_TOKEN").value(), "a secret's value is never answered");
      assertEquals("test", vars.get("MODE").value());
      repl.env().delete("MODE");
      assertFalse(repl.env().list().stream().anyMatch(v -> v.name().equals("MODE")));

      PierException badTemplate =
          assertThrows(PierException.class, () -> client.repls().create(CreateRepl.of("cobol")));
      assertEquals(400, badTemplate.status());
      assertEquals("unknown_template", badTemplate.code());
    } finally {
      repl.delete();
    }
    PierException gone = assertThrows(PierException.class, () -> client.repls().get(repl.slug()));
    assertEquals(404, gone.status());
    assertEquals("unknown_repl", gone.code());
    assertTrue(gone.line().endsWith("(404 unknown_repl)"), gone.line());
  }

  @Test
  void aProgramUploadsAProjectRunsItsTestsAndDownloadsTheResult() throws Exception {
    Repl repl = client.repls().create(CreateRepl.of("node").label("ci", "client-it-run")).start();
    try {
      Path project = Files.createDirectories(dir.resolve("project"));
      Files.writeString(
          project.resolve("package.json"),
          "{\"name\":\"p\",\"version\":\"1.0.0\",\"scripts\":{\"test\":\"node test.js\"}}\n");
      Files.writeString(project.resolve("test.js"), "console.log('1 passing'); process.exit(0);\n");
      Files.createDirectories(project.resolve("lib"));
      Files.writeString(project.resolve("lib/util.js"), "module.exports = 42;\n");

      repl.files().uploadArchive(project, "app");
      ExecResult passing = repl.exec(ExecRequest.of("npm", "test").cwd("app"));
      assertEquals(0, passing.exitCode(), passing.stderr());
      assertTrue(passing.stdout().contains("1 passing"), passing.stdout());
      assertFalse(passing.timedOut());

      repl.files()
          .write(
              "app/test.js",
              "console.error('1 failing'); process.exit(1);\n".getBytes(StandardCharsets.UTF_8));
      ExecResult failing = repl.exec(ExecRequest.of("node", "test.js").cwd("app"));
      assertEquals(1, failing.exitCode());
      assertTrue(failing.stderr().contains("1 failing"), failing.stderr());
      Files.writeString(
          project.resolve("test.js"), "console.error('1 failing'); process.exit(1);\n");

      Path back = dir.resolve("back");
      repl.downloadArchive("app", back);
      for (Path file : files(project))
        assertArrayEquals(
            Files.readAllBytes(project.resolve(file)),
            Files.readAllBytes(back.resolve(file)),
            file.toString());
    } finally {
      repl.delete();
    }
    assertThrows(PierException.class, () -> client.repls().get(repl.slug()));
  }

  @Test
  void aRevokedKeyStopsWorking() {
    Keys.ApiKey key = client.keys().create("client-it");
    PierClient program = as(key.key());
    String who = program.whoAmI();
    assertEquals(client.whoAmI(), who);
    Repl made = program.repls().create(CreateRepl.of("node"));
    made.delete();

    client.keys().revoke(key.id());
    HostileWorkspace.eventually(
        Duration.ofSeconds(60),
        () -> {
          try {
            program.repls().list();
            return false;
          } catch (PierException e) {
            return e.status() == 401;
          }
        },
        "a revoked key is refused");
  }

  @Test
  void aViewerSeesTheSharedReplReadsItsFilesIsRefusedWritesAndLosesItOnceRevoked()
      throws Exception {
    String name = "client-it-viewer";
    PierClient viewer = as(signUp(name));
    Repl repl = client.repls().create(CreateRepl.of("node").label("ci", "client-it-share")).start();
    try {
      byte[] notes = "by the owner\n".getBytes(StandardCharsets.UTF_8);
      repl.files().write("notes.txt", notes);
      Collaborators.Collaborator shared =
          client.collaborators().invite(repl.slug(), name, Collaborators.Role.VIEWER);
      assertEquals(new Collaborators.Collaborator(name, "viewer"), shared);

      List<Repl> seen = viewer.repls().shared();
      assertEquals(List.of(repl.slug()), seen.stream().map(Repl::slug).toList());
      assertEquals("viewer", seen.get(0).role());
      assertEquals(client.whoAmI(), seen.get(0).owner());
      assertTrue(viewer.repls().list().isEmpty(), "a shared repl is not the viewer's own");

      // Nodes follow the registry: the new role reaches the repl's node within a moment.
      HostileWorkspace.eventually(
          Duration.ofSeconds(30),
          () -> {
            try (InputStream in = viewer.repls().get(repl.slug()).files().read("notes.txt")) {
              return Arrays.equals(notes, in.readAllBytes());
            } catch (PierException | IOException e) {
              return false;
            }
          },
          "the viewer reads the owner's file");
      Repl asViewer = viewer.repls().get(repl.slug());
      PierException refused =
          assertThrows(
              PierException.class,
              () ->
                  asViewer
                      .files()
                      .write("notes.txt", "by the viewer\n".getBytes(StandardCharsets.UTF_8)));
      assertEquals(403, refused.status(), refused.line());
      assertEquals("forbidden", refused.code(), "a JSON error body, read: " + refused.line());
      assertTrue(refused.getMessage().contains("viewer"), refused.getMessage());
      try (InputStream in = repl.files().read("notes.txt")) {
        assertArrayEquals(notes, in.readAllBytes());
      }

      client.collaborators().revoke(repl.slug(), name);
      assertTrue(viewer.repls().shared().isEmpty());
      PierException gone = assertThrows(PierException.class, () -> viewer.repls().get(repl.slug()));
      assertEquals(403, gone.status(), gone.line());
      HostileWorkspace.eventually(
          Duration.ofSeconds(30),
          () -> {
            try {
              asViewer.files().read("notes.txt").close();
              return false;
            } catch (PierException e) {
              return e.status() == 403 || e.status() == 404;
            } catch (IOException e) {
              return false;
            }
          },
          "the revoked viewer's reads are refused");
    } finally {
      repl.delete();
    }
  }

  /** A second account, signed up as a person would; its sign-in token acts as its key. */
  private static String signUp(String username) throws Exception {
    String credentials =
        new JsonObject().put("username", username).put("password", "a long password").encode();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + "/api/auth/signup"))
            .header("Host", PierOnLoopback.DOMAIN)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(credentials))
            .build();
    HttpResponse<String> resp =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(201, resp.statusCode(), resp.body());
    return new JsonObject(resp.body()).getString("token");
  }

  private static List<Path> files(Path root) throws Exception {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).map(root::relativize).collect(Collectors.toList());
    }
  }
}
