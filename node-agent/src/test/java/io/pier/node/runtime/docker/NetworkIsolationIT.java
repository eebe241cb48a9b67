package io.pier.node.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.sun.net.httpserver.HttpServer;
import io.pier.common.repl.Limits;
import io.pier.node.runtime.ContainerSpec;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * From inside a repl's container: the platform on the host and a neighbour repl are out of reach, the package
 * registry is not. Against the real dockerd and the host's iptables.
 */
class NetworkIsolationIT {
  private static final String IMAGE = "pier-runner-node:latest";
  private final String nodeId = "iso-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<String> containers = new ArrayList<>();
  private DockerContainerRuntime runtime;
  private DockerReplNetwork network;
  private String networkName;
  private HttpServer platform;

  @BeforeEach
  void setUp() throws Exception {
    runtime = new DockerContainerRuntime(new DockerConfig(null));
    network = runtime.network(nodeId);
    networkName = network.ensure(List.of());
    // A platform service as on a fleet VM: listening on an address of the host that containers can route to.
    platform = HttpServer.create(new InetSocketAddress(network.gateway(), 0), 0);
    platform.createContext("/", exchange -> {
      exchange.sendResponseHeaders(200, 8);
      exchange.getResponseBody().write("platform".getBytes());
      exchange.close();
    });
    platform.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (platform != null) platform.stop(0);
    for (String id : containers) runtime.remove(id);
    network.remove(List.of());
    runtime.close();
  }

  @Test
  void aReplReachesThePackageRegistryButNeitherThePlatformNorItsNeighbour() throws Exception {
    String neighbour = start("neighbour", List.of("node", "-e",
        "require('http').createServer((q, s) => s.end('neighbour')).listen(8000, '0.0.0.0')"));
    String repl = start("repl", List.of("sleep", "300"));
    String neighbourIp = runtime.inspectAddress(neighbour, networkName);
    int platformPort = platform.getAddress().getPort();

    // Controls: the platform answers the host, the neighbour answers itself; so a refusal below is the firewall's.
    assertEquals(200, HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://" + network.gateway() + ":" + platformPort + "/")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    assertEquals(0, runtime.execAndWait(neighbour, List.of("curl", "-sf", "-m", "5", "http://127.0.0.1:8000/"),
        Duration.ofSeconds(10)));

    assertNotEquals(0, runtime.execAndWait(repl, List.of("curl", "-sf", "-m", "3",
        "http://" + network.gateway() + ":" + platformPort + "/"), Duration.ofSeconds(10)), "the platform is out of reach");
    assertNotEquals(0, runtime.execAndWait(repl, List.of("curl", "-sf", "-m", "3", "http://" + neighbourIp + ":8000/"),
        Duration.ofSeconds(10)), "a neighbour repl is out of reach");
    assertEquals(0, runtime.execAndWait(repl, List.of("npm", "view", "--fetch-timeout=20000", "is-number", "version"),
        Duration.ofSeconds(60)), "the package registry answers");
  }

  private String start(String name, List<String> command) throws Exception {
    Path workspace = Files.createTempDirectory(Path.of("target"), name);
    io.pier.node.workspace.Workspaces.handOver(workspace, 1000, 1000);
    String id = runtime.create(new ContainerSpec(nodeId + "-" + name, name, IMAGE, command, Map.of(),
        Map.of("pier.node", nodeId, "pier.test", "isolation"), workspace.toAbsolutePath(), 0, "127.0.0.1",
        new Limits(0.5, 256, 128), networkName));
    containers.add(id);
    runtime.start(id);
    return id;
  }
}
