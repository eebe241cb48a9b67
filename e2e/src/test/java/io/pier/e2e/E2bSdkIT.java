package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.edge.EdgeConfig;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 20's proof: E2B's own JavaScript SDK ({@code e2b@2.45.0} from npm, unchanged) drives a real Pier behind its
 * edge-proxy with TLS (a self-signed wildcard certificate trusted through {@code NODE_EXTRA_CA_CERTS}), through
 * src/test/e2b-sdk/quickstart.mjs: create, commands (output, exit code, streaming, background and kill), files (text,
 * binary, list, remove, watch), a sandbox's HTTP server through {@code getHost(port)}, timeout, pause, resume with files
 * intact, list by metadata, kill. Then the same against a node-agent restart and a failover to another node.
 */
class E2bSdkIT {
  private static final Duration SCRIPT = Duration.ofMinutes(10);

  private static Path runFolder() throws Exception {
    return Files.createDirectories(
        Path.of("target", "e2b-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath());
  }

  private static PierOnLoopback pier(PierOnLoopback.Options options, E2bSdk.Edge edge)
      throws Exception {
    return new PierOnLoopback(options, EdgeConfig.Capacity.defaults(), edge.address(), edge.tls());
  }

  @Test
  void theE2bQuickstartRunsUnchangedAgainstPierBehindTheEdgeWithTls() throws Exception {
    Path dir = runFolder();
    E2bSdk.Edge edge = E2bSdk.Edge.create(dir.resolve("tls"));
    try (PierOnLoopback pier = pier(PierOnLoopback.Options.fresh(), edge)) {
      E2bSdk sdk = E2bSdk.install(dir.resolve("sdk"), edge, E2bSdk.apiKey(pier, "e2b-quickstart"));
      E2bSdk.Result harness = sdk.node(SCRIPT, "harness-check.mjs");
      assertTrue(
          harness.passed("harness"), "the names and TLS reach the edge:\n" + harness.output());
      E2bSdk.Result quickstart = sdk.node(SCRIPT, "quickstart.mjs");
      assertTrue(quickstart.passed("quickstart"), quickstart.output());
    }
  }

  @Test
  void aSandboxOutlivesANodeAgentRestartAndTheQuickstartPassesAfterIt() throws Exception {
    Path dir = runFolder();
    E2bSdk.Edge edge = E2bSdk.Edge.create(dir.resolve("tls"));
    PierOnLoopback.Options options = PierOnLoopback.Options.fresh().inFolder(null, true, 1000);
    try (PierOnLoopback pier = pier(options, edge)) {
      E2bSdk sdk = E2bSdk.install(dir.resolve("sdk"), edge, E2bSdk.apiKey(pier, "e2b-restart"));
      E2bSdk.Result created = sdk.node(SCRIPT, "survivor.mjs", "create");
      assertEquals(0, created.exitCode(), created.output());
      String[] sandbox = created.sandbox();

      pier.killNode();
      pier.startNode();

      E2bSdk.Result checked = sdk.node(SCRIPT, "survivor.mjs", "check", sandbox[0], sandbox[1]);
      assertTrue(checked.passed("survivor"), checked.output());
      E2bSdk.Result quickstart = sdk.node(SCRIPT, "quickstart.mjs");
      assertTrue(quickstart.passed("quickstart"), quickstart.output());
    }
  }

  @Test
  void aSandboxOfAKilledNodeServesFromAnotherWithItsFilesAndTheQuickstartPasses() throws Exception {
    Path dir = runFolder();
    E2bSdk.Edge edge = E2bSdk.Edge.create(dir.resolve("tls"));
    try (PierOnLoopback pier = pier(PierOnLoopback.Options.fleet(2, 1, Duration.ZERO), edge)) {
      E2bSdk sdk = E2bSdk.install(dir.resolve("sdk"), edge, E2bSdk.apiKey(pier, "e2b-failover"));
      E2bSdk.Result created = sdk.node(SCRIPT, "survivor.mjs", "create");
      assertEquals(0, created.exitCode(), created.output());
      String slug = created.sandbox()[0];
      // The files must be in storage before the node dies: only what reached S3 survives a SIGKILL.
      eventually(
          Duration.ofSeconds(30),
          "survivor.txt of " + slug + " in storage (is the sandbox's home its workspace?)",
          () -> pier.store.get("repls/" + slug + "/files/survivor.bin").isPresent());

      String node = repl(pier, slug).getString("node");
      PierOnLoopback.Node victim =
          pier.nodes.stream().filter(n -> n.id.equals(node)).findFirst().orElseThrow();
      pier.killNode(victim);
      eventually(
          Duration.ofSeconds(60),
          slug + " running on another node",
          () -> {
            JsonObject repl = repl(pier, slug);
            return "running".equals(repl.getString("state"))
                && !victim.id.equals(repl.getString("node"));
          });
      assertNotEquals(victim.id, repl(pier, slug).getString("node"));

      E2bSdk.Result checked = sdk.node(SCRIPT, "survivor.mjs", "check", slug, created.sandbox()[1]);
      assertTrue(checked.passed("survivor"), checked.output());
      E2bSdk.Result quickstart = sdk.node(SCRIPT, "quickstart.mjs");
      assertTrue(quickstart.passed("quickstart"), quickstart.output());
    }
  }

  /** The repl as Pier's own API shows it to an administrator, asked at the first scheduler. */
  private static JsonObject repl(PierOnLoopback pier, String slug) throws Exception {
    HttpResponse<String> response =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + pier.schedulerPort + "/api/repls/" + slug))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + pier.adminToken)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return new JsonObject(response.body());
  }

  @FunctionalInterface
  private interface Condition {
    boolean met() throws Exception;
  }

  private static void eventually(Duration within, String what, Condition condition)
      throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        if (condition.met()) return;
      } catch (Exception | AssertionError notYet) {
        // asked again below
      }
      if (System.nanoTime() > deadline) throw new AssertionError(what + ": not within " + within);
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }
}
