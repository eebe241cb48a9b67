package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pier.common.config.Mains;
import io.pier.node.runtime.docker.DockerConfig;
import io.pier.node.runtime.docker.DockerContainerRuntime;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A template that asks for gVisor ({@code "runtime": "runsc"}) runs its repls in it, previews and terminals
 * included; a template that asks for a runtime no node has is refused by placement. Needs runsc registered with
 * dockerd ({@code ./pier test} does it); skipped otherwise.
 */
class GvisorIT {

  @Test
  void aTemplateThatAsksForGvisorRunsInItAndOneNoNodeOffersIsNotPlaced() throws Exception {
    try (DockerContainerRuntime docker = new DockerContainerRuntime(new DockerConfig(null))) {
      assumeTrue(
          docker.runtimes().contains("runsc"),
          "dockerd has no runsc runtime: install gVisor and register it in /etc/docker/daemon.json (./pier test does)");
    }
    Path templates = templates();
    Vertx vertx = Vertx.vertx();
    try (PierOnLoopback pier =
        new PierOnLoopback(PierOnLoopback.Options.fresh().withTemplates(templates))) {
      JsonArray nodes =
          new JsonObject(EdgeApi.send(pier, "GET", "/api/nodes", null).body())
              .getJsonArray("nodes");
      assertTrue(nodes.getJsonObject(0).getJsonArray("runtimes").contains("runsc"), nodes.encode());

      String plain = create(pier, "node");
      long t0 = System.nanoTime();
      assertEquals(
          200, EdgeApi.send(pier, "POST", "/api/repls/" + plain + "/start", "").statusCode());
      long runcMs = (System.nanoTime() - t0) / 1_000_000;
      String slug = create(pier, "node-gvisor");
      long t1 = System.nanoTime();
      HttpResponse<String> started =
          EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/start", "");
      assertEquals(200, started.statusCode(), started.body());
      System.out.printf(
          "[gvisor] node template, start to first HTTP answer: %d ms in runsc, %d ms in runc%n",
          (System.nanoTime() - t1) / 1_000_000, runcMs);
      var container = pier.containersOf(slug).get(0);
      assertEquals(
          "runsc",
          pier.docker.inspectContainerCmd(container.getId()).exec().getHostConfig().getRuntime());

      HttpResponse<String> preview =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + "/"))
                      .header("Host", slug + "." + PierOnLoopback.DOMAIN)
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, preview.statusCode());
      assertTrue(preview.body().contains("Hello from Pier"), preview.body());

      try (SessionClient s = SessionClient.connect(vertx, pier, slug)) {
        int term = s.request("term.open", new JsonObject()).getInteger("term");
        // gVisor's kernel says who it is in its log; the host's would not let uid 1000 read it at
        // all.
        s.sendInput(term, "dmesg | head -n 1; echo kernel-$((40+2))\n");
        String out = s.awaitOutput(term, "kernel-42");
        assertTrue(out.contains("gVisor"), out);
      }
      assertEquals(
          200, EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/stop", "").statusCode());
      assertTrue(pier.containersOf(slug).isEmpty());

      String nowhere = create(pier, "node-nowhere");
      HttpResponse<String> refused =
          EdgeApi.send(pier, "POST", "/api/repls/" + nowhere + "/start", "");
      assertEquals(503, refused.statusCode(), refused.body());
      JsonObject error = new JsonObject(refused.body());
      assertEquals("no_capacity", error.getString("error"), refused.body());
      assertTrue(error.getString("message").contains("no such container runtime"), refused.body());
    } finally {
      Mains.await(vertx.close(), Duration.ofSeconds(10));
    }
  }

  private static String create(PierOnLoopback pier, String template) throws Exception {
    HttpResponse<String> created =
        EdgeApi.send(
            pier, "POST", "/api/repls", new JsonObject().put("template", template).encode());
    assertEquals(201, created.statusCode(), created.body());
    return new JsonObject(created.body()).getString("slug");
  }

  /** The node template as it is, asking for runsc, and asking for a runtime no node has. */
  private static Path templates() throws Exception {
    Path root = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "gvisor-templates");
    copyNodeTemplate(root, "node", null);
    copyNodeTemplate(root, "node-gvisor", "runsc");
    copyNodeTemplate(root, "node-nowhere", "no-such-runtime");
    return root;
  }

  private static void copyNodeTemplate(Path root, String name, String runtime) throws Exception {
    Path from = PierOnLoopback.repo().resolve("templates/node");
    Path to = Files.createDirectories(root.resolve(name));
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.toList()) Files.copy(file, to.resolve(file.getFileName()));
    }
    JsonObject manifest = new JsonObject(Files.readString(to.resolve("pier.json")));
    if (runtime != null) manifest.put("runtime", runtime);
    Files.writeString(to.resolve("pier.json"), manifest.put("name", name).encodePrettily());
  }
}
