package io.pier.node.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.sun.net.httpserver.HttpServer;
import io.pier.common.repl.Limits;
import io.pier.node.runtime.Cidr;
import io.pier.node.runtime.EgressPolicy;
import io.pier.node.runtime.HostResolvers;
import io.pier.node.runtime.iptables.IptablesReplFirewall;
import io.pier.node.workspace.Workspaces;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
  private final List<Cidr> blocked = new ArrayList<>();
  private OffNodeHost offNode;

  @BeforeEach
  void setUp() throws Exception {
    runtime = new DockerContainerRuntime(new DockerConfig(null));
    network = runtime.network(nodeId, new IptablesReplFirewall());
    networkName = network.ensure(policy());
    // A platform service as on a fleet VM: listening on an address of the host that containers can
    // route to.
    platform = HttpServer.create(new InetSocketAddress(network.gateway(), 0), 0);
    platform.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, 8);
          exchange.getResponseBody().write("platform".getBytes(StandardCharsets.UTF_8));
          exchange.close();
        });
    platform.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (platform != null) platform.stop(0);
    for (String id : containers) runtime.remove(id);
    if (offNode != null) offNode.close();
    network.remove();
    runtime.close();
  }

  @Test
  void aReplReachesThePackageRegistryButNeitherThePlatformNorItsNeighbour() throws Exception {
    String neighbour =
        start(
            "neighbour",
            List.of(
                "node",
                "-e",
                "require('http').createServer((q, s) => s.end('neighbour')).listen(8000, '0.0.0.0')"));
    String repl = start("repl", List.of("sleep", "300"));
    String neighbourIp = runtime.inspect(neighbour).orElseThrow().addresses().get(networkName);
    int platformPort = platform.getAddress().getPort();

    // Controls: the platform answers the host, the neighbour answers itself; so a refusal below is
    // the firewall's.
    assertEquals(
        200,
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://" + network.gateway() + ":" + platformPort + "/"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .statusCode());
    assertEquals(
        0,
        runtime.execAndWait(
            neighbour,
            List.of("curl", "-sf", "-m", "5", "http://127.0.0.1:8000/"),
            Duration.ofSeconds(10)));

    assertNotEquals(
        0,
        runtime.execAndWait(
            repl,
            List.of(
                "curl", "-sf", "-m", "3", "http://" + network.gateway() + ":" + platformPort + "/"),
            Duration.ofSeconds(10)),
        "the platform is out of reach");
    assertNotEquals(
        0,
        runtime.execAndWait(
            repl,
            List.of("curl", "-sf", "-m", "3", "http://" + neighbourIp + ":8000/"),
            Duration.ofSeconds(10)),
        "a neighbour repl is out of reach");
    assertEquals(
        0,
        runtime.execAndWait(
            repl,
            List.of("npm", "view", "--fetch-timeout=20000", "is-number", "version"),
            Duration.ofSeconds(60)),
        "the package registry answers");
  }

  @Test
  void aBlockedHostThatConnectsToAReplGetsItsAnswerWhileTheReplCannotConnectToIt()
      throws Exception {
    // A host off the node, as an edge-proxy on another VM would be: a network namespace of this
    // test's own, joined
    // to the host by a veth pair, serving HTTP itself.
    offNode = OffNodeHost.create(nodeId);
    blocked.add(Cidr.parse(offNode.address() + "/32"));
    network.ensure(policy());
    String repl =
        start(
            "served",
            List.of(
                "node",
                "-e",
                "require('http').createServer((q, s) => s.end('from the repl')).listen(3000, '0.0.0.0')"),
            3000,
            offNode.hostAddress());
    int published = runtime.inspect(repl).orElseThrow().publishedPort().orElseThrow();
    Duration wait = Duration.ofSeconds(20);

    String offNodeServer = "http://" + offNode.address() + ":" + OffNodeHost.PORT + "/";
    assertEquals(
        0,
        curlUntilAnswered(List.of(), offNodeServer, wait).code(),
        "control: the blocked host's server answers the node itself");
    Curl fromOffNode =
        curlUntilAnswered(
            List.of("ip", "netns", "exec", offNode.namespace()),
            "http://" + offNode.hostAddress() + ":" + published + "/",
            wait);
    assertEquals(
        "from the repl",
        fromOffNode.body(),
        "the blocked host's own connection to the repl's published port is answered (exit "
            + fromOffNode.code()
            + ")");
    assertNotEquals(
        0,
        runtime.execAndWait(
            repl, List.of("curl", "-sf", "-m", "3", offNodeServer), Duration.ofSeconds(10)),
        "the repl cannot open a connection to the blocked host");
  }

  /** The node-agent's policy: the blocked hosts, DNS to the host's resolvers (the registry's name must resolve). */
  private EgressPolicy policy() {
    return new EgressPolicy(blocked, HostResolvers.system().allowances());
  }

  /** A network namespace with one veth link to the host, a /30 of its own, and a tiny HTTP server inside. */
  private record OffNodeHost(
      String namespace, String hostLink, String hostAddress, String address, Process server)
      implements AutoCloseable {
    static final int PORT = 8765;

    static OffNodeHost create(String nodeId) throws Exception {
      int subnet = ThreadLocalRandom.current().nextInt(1, 250);
      String suffix = nodeId.substring(nodeId.length() - 6);
      String namespace = "pier-it-" + suffix;
      String hostLink = "pvh" + suffix;
      String nsLink = "pvn" + suffix;
      String hostAddress = "10.254." + subnet + ".1";
      String address = "10.254." + subnet + ".2";
      for (List<String> step :
          List.of(
              List.of("ip", "netns", "add", namespace),
              List.of("ip", "link", "add", hostLink, "type", "veth", "peer", "name", nsLink),
              List.of("ip", "link", "set", nsLink, "netns", namespace),
              List.of("ip", "addr", "add", hostAddress + "/30", "dev", hostLink),
              List.of("ip", "link", "set", hostLink, "up"),
              List.of(
                  "ip",
                  "netns",
                  "exec",
                  namespace,
                  "ip",
                  "addr",
                  "add",
                  address + "/30",
                  "dev",
                  nsLink),
              List.of("ip", "netns", "exec", namespace, "ip", "link", "set", nsLink, "up"),
              List.of("ip", "netns", "exec", namespace, "ip", "link", "set", "lo", "up"),
              List.of(
                  "ip",
                  "netns",
                  "exec",
                  namespace,
                  "ip",
                  "route",
                  "add",
                  "default",
                  "via",
                  hostAddress))) {
        assertEquals(0, run(step, Duration.ofSeconds(10)), String.join(" ", step));
      }
      Process server =
          new ProcessBuilder(
                  "ip",
                  "netns",
                  "exec",
                  namespace,
                  "/usr/bin/python3",
                  "-m",
                  "http.server",
                  String.valueOf(PORT),
                  "--bind",
                  address)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return new OffNodeHost(namespace, hostLink, hostAddress, address, server);
    }

    @Override
    public void close() throws Exception {
      server.destroy();
      server.waitFor();
      run(List.of("ip", "link", "del", hostLink), Duration.ofSeconds(10));
      run(List.of("ip", "netns", "del", namespace), Duration.ofSeconds(10));
    }
  }

  private record Curl(int code, String body) {}

  /** GETs {@code url} with curl, run after {@code prefix} (e.g. in a namespace), until it answers or time is up. */
  private static Curl curlUntilAnswered(List<String> prefix, String url, Duration wait)
      throws Exception {
    long deadline = System.nanoTime() + wait.toNanos();
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of("curl", "-sf", "-m", "3", url));
    while (true) {
      Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
      String body = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int code = curl.waitFor();
      // A refused connection means a server still starting: try again, a process launch later.
      if (code == 0 || System.nanoTime() > deadline) return new Curl(code, body);
    }
  }

  private static int run(List<String> command, Duration timeout) throws Exception {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  private String start(String name, List<String> command) throws Exception {
    return start(name, command, 0, "127.0.0.1");
  }

  private String start(String name, List<String> command, int port, String publishHost)
      throws Exception {
    Path workspace = Files.createTempDirectory(Path.of("target"), name);
    Workspaces.handOver(workspace, 1000, 1000);
    String id =
        runtime.create(
            new ContainerSpec(
                nodeId + "-" + name,
                name,
                IMAGE,
                command,
                Map.of(),
                Map.of("pier.node", nodeId, "pier.test", "isolation"),
                workspace.toAbsolutePath(),
                port,
                publishHost,
                new Limits(0.5, 256, 128),
                networkName));
    containers.add(id);
    runtime.start(id);
    return id;
  }
}
