package io.pier.node;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.auth.TokenSigner;
import io.pier.common.cluster.ClusterState;
import io.pier.common.config.Mains;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.Limits;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplRole;
import io.pier.common.repl.ReplState;
import io.pier.node.limits.SessionLimits;
import io.pier.node.workspace.Workspaces;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A whole node-agent on loopback (HTTP server, auth, session limits) over a {@link ReplHostFixture}, for the
 * integration tests that talk to it as the IDE and programs do; repls run {@code pier-runner-node} in dockerd.
 */
final class NodeAgentFixture implements AutoCloseable {
  static final String SECRET = "a-secret-of-enough-length-for-the-its";
  static final Limits REPL_LIMITS = new Limits(0.5, 256, 128);
  private static final String IMAGE = "pier-runner-node:latest";
  private static final Duration WAIT = Duration.ofSeconds(60);

  final String nodeId = "it-" + UUID.randomUUID().toString().substring(0, 8);
  final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final ReplHostFixture node;
  final NodeAgent agent;
  private final TokenSigner tokens = new TokenSigner(SECRET, Clock.systemUTC());
  private final HttpClient http = HttpClient.newHttpClient();

  private NodeAgentFixture(SessionLimits limits) throws Exception {
    Path data = Files.createDirectories(Path.of("target", nodeId).toAbsolutePath());
    node = new ReplHostFixture(nodeId, data, Workspaces::new, metrics);
    agent =
        new NodeAgent(
            node.vertx,
            NodeAgentConfigs.onLoopback(nodeId, data, SECRET, limits),
            node.cluster,
            node.runtime,
            node.host,
            metrics);
  }

  /** A started agent with these session limits. */
  static NodeAgentFixture start(SessionLimits limits) throws Exception {
    NodeAgentFixture fixture = new NodeAgentFixture(limits);
    try {
      Mains.await(fixture.agent.start(), WAIT);
      return fixture;
    } catch (Exception e) {
      fixture.close();
      throw e;
    }
  }

  /** Starts a repl that only sleeps, so sessions, terminals and files have a container to work in. */
  void startRepl(String slug) throws Exception {
    Mains.await(
        node.host.start(new StartRequest(slug, IMAGE, "sleep 3600", 0, REPL_LIMITS, null)), WAIT);
  }

  /**
   * Records {@code slug} in the cluster's registry as alice's running repl on this node, shared as {@code
   * collaborators} say: what the scheduler would have written, and what every role check reads.
   */
  void shareAsAlice(String slug, Map<String, ReplRole> collaborators) throws Exception {
    Instant now = Instant.now();
    ReplRecord record =
        new ReplRecord(slug, "node", "alice", ReplState.RUNNING, nodeId, now, now, REPL_LIMITS)
            .withCollaborators(collaborators);
    Mains.await(node.cluster.repls().put(slug, record), WAIT);
  }

  Vertx vertx() {
    return node.vertx;
  }

  ClusterState cluster() {
    return node.cluster;
  }

  int port() {
    return agent.port();
  }

  String token(String user, boolean admin) {
    return tokens.issue(user, admin, Duration.ofHours(1));
  }

  Path workspace(String slug) {
    return node.workspaces.of(slug);
  }

  /**
   * A session upgrade as a plain GET: the JDK client cannot upgrade, and a refusal's status and body are what the
   * tests read.
   */
  HttpResponse<String> sessionUpgrade(String slug, String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port() + "/api/repls/" + slug + "/session"))
            .header("Authorization", "Bearer " + token)
            .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
            .header("Sec-WebSocket-Version", "13")
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws Exception {
    try {
      Mains.await(agent.stop(), WAIT);
    } finally {
      node.close();
    }
  }
}
