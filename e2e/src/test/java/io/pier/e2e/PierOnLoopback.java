package io.pier.e2e;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.pier.common.cluster.ClusterConfig;
import io.pier.common.config.Mains;
import io.pier.common.node.NodeCapacity;
import io.pier.common.store.s3.EmbeddedS3Server;
import io.pier.common.store.s3.S3Config;
import io.pier.common.store.s3.S3ObjectStore;
import io.pier.common.template.TemplateCatalog;
import io.pier.edge.EdgeConfig;
import io.pier.edge.EdgeProxyMain;
import io.pier.node.NodeAgentConfig;
import io.pier.node.NodeAgentMain;
import io.pier.node.runtime.docker.DockerConfig;
import io.pier.scheduler.SchedulerConfig;
import io.pier.scheduler.SchedulerMain;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A whole Pier on loopback in this JVM: the embedded S3 server over HTTP, a scheduler, one node-agent on the real
 * dockerd and an edge-proxy, joined in a Hazelcast cluster of their own. Containers carry this run's node id, so
 * closing removes exactly the containers this run made.
 */
final class PierOnLoopback implements AutoCloseable {
  static final String DOMAIN = "pier.localhost";
  private static final Duration START = Duration.ofSeconds(90);

  final Path dataDir;
  final String nodeId;
  final int edgePort;
  final S3ObjectStore store;
  final DockerClient docker;
  private final EmbeddedS3Server s3;
  private final SchedulerMain.Running scheduler;
  private final NodeAgentMain.Running node;
  private final EdgeProxyMain.Running edge;

  PierOnLoopback() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Path repo = repo();
    dataDir = Files.createDirectories(Path.of("target", "e2e-" + run).toAbsolutePath());
    nodeId = "e2e-" + run;
    s3 = EmbeddedS3Server.start(dataDir.resolve("s3"), "127.0.0.1", 0, "e2e", "e2e-secret");
    S3Config s3Config = new S3Config(URI.create("http://127.0.0.1:" + s3.port()), "us-east-1", "pier", "e2e", "e2e-secret");
    store = new S3ObjectStore(s3Config);
    ClusterConfig cluster = new ClusterConfig("pier-e2e-" + run, List.of("127.0.0.1"), "127.0.0.1",
        ThreadLocalRandom.current().nextInt(20000, 40000), false);
    edgePort = freePort();
    int schedulerPort = freePort();
    int nodePort = freePort();

    scheduler = Mains.await(SchedulerMain.start(new SchedulerConfig("127.0.0.1", schedulerPort, "127.0.0.1", DOMAIN,
        URI.create("http://" + DOMAIN + ":" + edgePort), repo.resolve("templates"), Duration.ofSeconds(60),
        Duration.ofSeconds(60), Duration.ofSeconds(15), cluster, s3Config),
        TemplateCatalog.load(repo.resolve("templates"))), START);
    node = Mains.await(NodeAgentMain.start(new NodeAgentConfig(nodeId, dataDir.resolve("node"), "127.0.0.1", nodePort,
        "127.0.0.1", new NodeCapacity(10, 4096, 2), Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(120),
        io.pier.node.workspace.WriteBehind.Settings.DEFAULT, Duration.ofSeconds(30), cluster,
        s3Config, new DockerConfig(null))), START);
    edge = Mains.await(EdgeProxyMain.start(new EdgeConfig("127.0.0.1", edgePort, DOMAIN, List.of(),
        new ClusterConfig(cluster.name(), cluster.members(), cluster.host(), cluster.port(), true))), START);

    var dockerConfig = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
    docker = DockerClientImpl.getInstance(dockerConfig,
        new ApacheDockerHttpClient.Builder().dockerHost(dockerConfig.getDockerHost()).build());
  }

  /** The repository's root folder. */
  static Path repo() {
    return Path.of(System.getProperty("pier.repo.root", "..")).toAbsolutePath().normalize();
  }

  Path workspace(String slug) {
    return dataDir.resolve("node").resolve("workspaces").resolve(slug);
  }

  /** Containers this run's node-agent made for {@code slug}, running or not. */
  List<com.github.dockerjava.api.model.Container> containersOf(String slug) {
    return docker.listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of("pier.node", nodeId, "pier.slug", slug)).exec();
  }

  @Override
  public void close() throws Exception {
    try {
      edge.close();
      node.close();
      scheduler.close();
    } finally {
      for (var c : docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of("pier.node", nodeId)).exec()) {
        docker.removeContainerCmd(c.getId()).withForce(true).exec();
      }
      docker.close();
      store.close();
      s3.close();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
