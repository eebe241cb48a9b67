package io.pier.node;

import static io.pier.node.session.TestSession.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.auth.TokenSigner;
import io.pier.common.config.Mains;
import io.pier.common.image.ImageSet;
import io.pier.common.node.NodeInfo;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.Limits;
import io.pier.node.images.LoopbackRegistry;
import io.pier.node.images.RunnerImages;
import io.pier.node.limits.SessionLimits;
import io.pier.node.runtime.docker.ContainerInfo;
import io.pier.node.runtime.docker.DockerLabels;
import io.pier.node.workspace.Workspaces;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One image set for the fleet, end to end on this machine: Debian's docker-registry on loopback, a test image built
 * from pier-runner-base and published with {@code images/publish.sh}, its local copies removed; then a node-agent
 * given the image set pulls it by digest, reports it, and runs repls from it, asked by name or by digest.
 * Only the test's own image references are ever removed; the pier-runner-* images are left as they are.
 */
class ImageSetIT {
  private static final String SECRET = "a-secret-of-enough-length-for-the-its";
  private static final String UNIQUE = UUID.randomUUID().toString().substring(0, 8);
  private static final String NAME = "pier-it-imageset-" + UNIQUE + ":latest";
  private static final String ABSENT = "pier-it-absent-" + UNIQUE + ":latest";
  private static final Path PUBLISH =
      Path.of("..", "images", "publish.sh").toAbsolutePath().normalize();
  private static final Limits LIMITS = new Limits(0.5, 256, 128);

  private static final String nodeId = "it-" + UNIQUE;
  private static final List<String> madeRefs = new ArrayList<>();
  private static Path data;
  private static LoopbackRegistry registry;
  private static ReplHostFixture node;
  private static PrometheusMeterRegistry metrics;
  private static NodeAgent agent;
  private static String token;
  private static String pinned;
  private static String absentRef;

  @BeforeAll
  static void publishTheTestImageAndStartANodeWithoutIt() throws Exception {
    data = Files.createDirectories(Path.of("target", nodeId).toAbsolutePath());
    registry = LoopbackRegistry.start(data.resolve("registry"));

    Path context = Files.createDirectories(data.resolve("image"));
    Files.writeString(context.resolve("marker"), UNIQUE + "\n");
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM pier-runner-base:latest\nLABEL pier.image=true pier.test=image-set\nCOPY marker /etc/pier-it-marker\n");
    madeRefs.add(NAME);
    docker("build", "-q", "-t", NAME, context.toString());
    String id = docker("image", "inspect", "-f", "{{.Id}}", NAME).strip();
    madeRefs.add(
        registry.address()
            + "/"
            + NAME.substring(0, NAME.indexOf(':'))
            + ":"
            + id.substring(7, 23));

    Path published = data.resolve("published.json");
    run(List.of(PUBLISH.toString(), registry.address(), "--out", published.toString(), NAME));
    pinned = ImageSet.load(published).refOf(NAME).orElseThrow();
    madeRefs.add(pinned);
    absentRef = registry.address() + "/pier-it-absent-" + UNIQUE + "@sha256:" + "0".repeat(64);

    // The node must fetch the image itself: nothing of it stays here but the base layers.
    for (String ref : madeRefs) if (present(ref)) docker("rmi", ref);
    assertFalse(present(pinned), "the test image is gone from this machine");

    metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    node = new ReplHostFixture(nodeId, data, Workspaces::new, metrics);
    NodeAgentConfig config =
        NodeAgentConfigs.onLoopback(
            nodeId,
            data,
            SECRET,
            SessionLimits.DEFAULT,
            new RunnerImages.Settings(
                ImageSet.of(Map.of(NAME, pinned, ABSENT, absentRef)), Duration.ofMinutes(3)));
    agent = new NodeAgent(node.vertx, config, node.cluster, node.runtime, node.host, metrics);
    Mains.await(agent.start(), Duration.ofSeconds(60));
    token =
        new TokenSigner(SECRET, Clock.systemUTC())
            .issue("service:scheduler", true, Duration.ofHours(1));
  }

  @AfterAll
  static void removeWhatTheTestMade() throws Exception {
    try {
      if (agent != null) Mains.await(agent.stop(), Duration.ofSeconds(60));
      if (node != null) node.close();
    } finally {
      for (String ref : madeRefs) {
        if (present(ref)) docker("rmi", ref);
      }
      if (registry != null) registry.close();
      // The registry's storage holds a copy of pier-runner-base's layers: too big to leave behind.
      deleteTree(data.resolve("registry"));
    }
  }

  @Test
  void theNodePullsTheSetsImagesByDigestAtStartAndReportsOnlyThoseItHas() {
    await(() -> reported().contains(pinned), "the node reports the pinned digest");
    List<String> images = reported();
    assertTrue(images.contains(NAME), "the pinned name is reported with its digest: " + images);
    assertFalse(images.contains(ABSENT), "a name whose pull failed is not reported: " + images);
    assertFalse(images.contains(absentRef), images.toString());
    assertTrue(present(pinned), "dockerd holds the image by digest");
    await(() -> counter("failed") >= 1, "the failed pull is counted");
    assertTrue(counter("ok") >= 1);
    await(
        () -> metrics.get("pier.node.images.missing").gauge().value() == 1,
        "one image of the set is missing");
  }

  @Test
  void aReplAskedForByNameRunsThePinnedDigestAndOneAskedByDigestIsPulledOnDemand()
      throws Exception {
    String slug = "pinned-" + UNIQUE;
    HttpResponse<String> started = start(slug, NAME);
    assertEquals(200, started.statusCode(), started.body());
    String container = containerOf(slug);
    assertEquals(pinned, docker("inspect", "-f", "{{.Config.Image}}", container).strip());
    assertEquals(
        0,
        node.runtime.execAndWait(
            container,
            List.of("grep", "-qx", UNIQUE, "/etc/pier-it-marker"),
            Duration.ofSeconds(30)),
        "the repl runs the test image");
    Mains.await(node.host.stop(slug), Duration.ofSeconds(60));
    node.removeContainers();

    // Pruned behind the node's back: the next start pulls it again.
    docker("rmi", pinned);
    HttpResponse<String> again = start(slug, pinned);
    assertEquals(200, again.statusCode(), again.body());
    assertEquals(pinned, docker("inspect", "-f", "{{.Config.Image}}", containerOf(slug)).strip());
    Mains.await(node.host.stop(slug), Duration.ofSeconds(60));
    node.removeContainers();
  }

  @Test
  void aPinnedImageTheRegistryLacksFailsTheStartWithAClearError() throws Exception {
    double failedBefore = counter("failed");
    HttpResponse<String> refused = start("absent-" + UNIQUE, ABSENT);
    assertEquals(502, refused.statusCode(), refused.body());
    JsonObject body = new JsonObject(refused.body());
    assertEquals("image_pull_failed", body.getString("error"));
    assertTrue(body.getString("message").contains(absentRef), body.encode());
    assertEquals(failedBefore + 1, counter("failed"));
    assertTrue(
        node.runtime.list(Map.of(DockerLabels.SLUG, "absent-" + UNIQUE)).isEmpty(),
        "no container made");
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(path);
    }
  }

  private static HttpResponse<String> start(String slug, String image) throws Exception {
    String body = new StartRequest(slug, image, "sleep 3600", 0, LIMITS, null).toJson().encode();
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + agent.port() + "/internal/repls/" + slug + "/start"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(4))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static String containerOf(String slug) {
    List<ContainerInfo> found =
        node.runtime.list(Map.of(DockerLabels.SLUG, slug, DockerLabels.NODE, nodeId));
    assertEquals(1, found.size(), "one container of " + slug);
    return found.get(0).id();
  }

  private static List<String> reported() {
    NodeInfo info = Mains.await(node.cluster.nodes().get(nodeId), Duration.ofSeconds(10));
    return info == null ? List.of() : info.images();
  }

  private static double counter(String result) {
    return metrics.get("pier.node.image.pulls").tag("result", result).counter().count();
  }

  private static boolean present(String ref) {
    try {
      return runStatus(List.of("docker", "image", "inspect", ref)) == 0;
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String docker(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    return run(command);
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("DOCKER_BUILDKIT", "0");
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = process.waitFor();
    assertEquals(0, code, String.join(" ", command) + " failed:\n" + out);
    return out;
  }

  private static int runStatus(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    return process.waitFor();
  }
}
