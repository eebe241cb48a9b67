package io.pier.node.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.pier.common.repl.Limits;
import io.pier.node.runtime.EgressAllow;
import io.pier.node.runtime.EgressPolicy;
import io.pier.node.runtime.HostResolvers;
import io.pier.node.runtime.iptables.IptablesReplFirewall;
import io.pier.node.workspace.Workspaces;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a repl reaches off its node, tried from inside a real repl container as its user (uid 1000), the way a
 * terminal would: hosts in every private or special range are refused, a public host is not. Against the real
 * dockerd, the host's iptables and ip6tables, and hosts in a network namespace of the test's own.
 */
class EgressIsolationIT {
  private static final String IMAGE = "pier-runner-node:latest";
  private final String nodeId = "egr-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<String> containers = new ArrayList<>();
  private DockerContainerRuntime runtime;
  private DockerReplNetwork network;
  private String networkName;
  private PrivateHosts hosts;
  private HttpServer hostService;

  @BeforeEach
  void setUp() throws Exception {
    runtime = new DockerContainerRuntime(new DockerConfig(null));
    network = runtime.network(nodeId, new IptablesReplFirewall());
    hosts = PrivateHosts.create(nodeId.substring(nodeId.length() - 8));
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      if (hostService != null) hostService.stop(0);
      for (String id : containers) runtime.remove(id);
      if (network != null) network.remove();
    } finally {
      if (hosts != null) hosts.close();
      runtime.close();
    }
  }

  @Test
  void aReplCannotConnectToPrivateOrLinkLocalAddressesButReachesAPublicOne() throws Exception {
    networkName = network.ensure(policy(List.of()));
    String repl = startRepl();
    for (String address : hosts.denied().values())
      assertHostAnswers(url(address, PrivateHosts.PORT));
    assertHostAnswers(url(hosts.publicAddress(), PrivateHosts.PORT));

    Exec toPublic = fromRepl(repl, url(hosts.publicAddress(), PrivateHosts.PORT));
    assertEquals(
        0, toPublic.code(), "control: the repl reaches a public address: " + toPublic.output());
    hosts
        .denied()
        .forEach(
            (range, address) -> {
              Exec attempt = fromRepl(repl, url(address, PrivateHosts.PORT));
              assertNotEquals(
                  0, attempt.code(), "the repl connected to " + address + " in " + range);
            });
  }

  @Test
  void aReplHasNoIpv6SoReachesNeitherTheHostOverLinkLocalNorAUniqueLocalAddress() throws Exception {
    networkName = network.ensure(policy(List.of()));
    String repl = startRepl();
    assertHostAnswers(url(hosts.uniqueLocal(), PrivateHosts.PORT));
    hostService = serveOnBridgeLinkLocal();
    String linkLocalUrl =
        "http://[" + bridgeLinkLocal() + "%25eth0]:" + hostService.getAddress().getPort() + "/";

    Exec addresses = exec(repl, List.of("cat", "/proc/net/if_inet6"));
    assertFalse(
        addresses.output().contains("eth0"), "the repl has an IPv6 address: " + addresses.output());
    assertNotEquals(
        0, fromRepl(repl, linkLocalUrl).code(), "the repl reached the host over IPv6 link-local");
    assertNotEquals(
        0,
        fromRepl(repl, url(hosts.uniqueLocal(), PrivateHosts.PORT)).code(),
        "the repl reached a unique-local IPv6 address");
  }

  @Test
  void evenAContainerWithIpv6OnCannotReachTheHostOverLinkLocal() throws Exception {
    networkName = network.ensure(policy(List.of()));
    // Not made by Pier: a container on the repl network with IPv6 on, as an engine that leaves it
    // on would make.
    String ipv6On =
        PrivateHosts.output(
                List.of(
                    "docker",
                    "run",
                    "-d",
                    "--label",
                    "pier.test=egress",
                    "--label",
                    "pier.node=" + nodeId,
                    "--network",
                    networkName,
                    "--user",
                    "1000:1000",
                    "--sysctl",
                    "net.ipv6.conf.all.disable_ipv6=0",
                    IMAGE,
                    "sleep",
                    "300"))
            .strip();
    containers.add(ipv6On);
    hostService = serveOnBridgeLinkLocal();
    String linkLocalUrl =
        "http://[" + bridgeLinkLocal() + "%25eth0]:" + hostService.getAddress().getPort() + "/";

    assertTrue(
        exec(ipv6On, List.of("cat", "/proc/net/if_inet6")).output().contains("eth0"),
        "control: the container has an IPv6 link-local address");
    assertHostAnswers(linkLocalUrl.replace("%25eth0", "%25" + network.bridge()));
    Exec attempt = fromRepl(ipv6On, linkLocalUrl);
    assertNotEquals(
        0,
        attempt.code(),
        "the container reached the host over IPv6 link-local: " + attempt.output());
  }

  @Test
  void anOperatorAllowedAddressAndPortIsReachableAndNothingElseThere() throws Exception {
    String mirror = hosts.denied().get("172.16.0.0/12");
    String other = hosts.denied().get("10.0.0.0/8");
    networkName =
        network.ensure(policy(List.of(EgressAllow.parse(mirror + "/32:" + PrivateHosts.PORT))));
    String repl = startRepl();
    assertHostAnswers(url(mirror, PrivateHosts.OTHER_PORT));
    assertHostAnswers(url(other, PrivateHosts.PORT));

    Exec allowed = fromRepl(repl, url(mirror, PrivateHosts.PORT));
    assertEquals(
        0, allowed.code(), "the allowed address and port answers the repl: " + allowed.output());
    assertNotEquals(
        0,
        fromRepl(repl, url(mirror, PrivateHosts.OTHER_PORT)).code(),
        "another port of the allowed address is still refused");
    assertNotEquals(
        0,
        fromRepl(repl, url(other, PrivateHosts.PORT)).code(),
        "another private address is still refused");
  }

  @Test
  void ensuringAgainReplacesThePolicyAndRemoveLeavesNoRuleNamingTheBridge() throws Exception {
    network.ensure(policy(List.of()));
    network.ensure(policy(List.of(EgressAllow.parse("10.250.0.0/16:443"))));
    for (String binary : List.of("iptables", "ip6tables")) {
      String rules = PrivateHosts.output(List.of(binary, "-w", "-S"));
      assertEquals(
          1,
          rules
              .lines()
              .filter(
                  l ->
                      l.contains("-i " + network.bridge() + " -j " + network.bridge() + "-egress-"))
              .count(),
          binary + ": one jump to the bridge's chain\n" + rules);
      assertEquals(
          2,
          rules
              .lines()
              .filter(l -> l.contains("-i " + network.bridge() + " ") && l.startsWith("-A INPUT"))
              .count(),
          binary + ": the two INPUT rules, once each\n" + rules);
    }
    assertTrue(
        PrivateHosts.output(List.of("iptables", "-w", "-S"))
            .contains("-d 10.250.0.0/16 -p tcp -m tcp --dport 443 -j RETURN"),
        "the second policy's allowance is in place");
    network.remove();
    for (String binary : List.of("iptables", "ip6tables")) {
      String rules = PrivateHosts.output(List.of(binary, "-w", "-S"));
      assertFalse(rules.contains(network.bridge()), binary + " still names the bridge:\n" + rules);
    }
  }

  /** As the node-agent makes it: nothing blocked besides the ranges, DNS to the host's resolvers, plus {@code allowed}. */
  private static EgressPolicy policy(List<EgressAllow> allowed) {
    List<EgressAllow> all = new ArrayList<>(allowed);
    all.addAll(HostResolvers.system().allowances());
    return new EgressPolicy(List.of(), all);
  }

  private record Exec(int code, String output) {}

  /** An HTTP GET from inside the container, as uid 1000 with a terminal's tools. */
  private static Exec fromRepl(String container, String url) {
    return exec(container, List.of("curl", "-sS", "-g", "-o", "/dev/null", "-m", "5", url));
  }

  private static Exec exec(String container, List<String> command) {
    List<String> full = new ArrayList<>(List.of("docker", "exec", "-u", "1000", container));
    full.addAll(command);
    try {
      Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Exec(p.waitFor(), output);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The fixture works: the host itself gets an answer (polled: the servers may still be starting). */
  private static void assertHostAnswers(String url) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    int code;
    do {
      code = PrivateHosts.run(List.of("curl", "-sS", "-g", "-o", "/dev/null", "-m", "3", url));
    } while (code != 0 && System.nanoTime() < deadline);
    assertEquals(0, code, "control: the host reaches " + url);
  }

  private static String url(String address, int port) {
    return "http://" + (address.contains(":") ? "[" + address + "]" : address) + ":" + port + "/";
  }

  /** The host's IPv6 link-local address on the repl bridge, once usable (duplicate detection done). */
  private String bridgeLinkLocal() throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (true) {
      String shown =
          PrivateHosts.output(
              List.of("ip", "-6", "-o", "addr", "show", "dev", network.bridge(), "scope", "link"));
      if (shown.contains("inet6 ") && !shown.contains("tentative")) {
        String field = shown.substring(shown.indexOf("inet6 ") + 6);
        return field.substring(0, field.indexOf('/'));
      }
      if (System.nanoTime() > deadline)
        throw new AssertionError("no link-local address on the bridge: " + shown);
    }
  }

  /** A host service listening on the bridge's link-local address: what a repl could reach over IPv6. */
  private HttpServer serveOnBridgeLinkLocal() throws Exception {
    HttpServer server =
        HttpServer.create(
            new InetSocketAddress(
                InetAddress.getByName(bridgeLinkLocal() + "%" + network.bridge()), 0),
            0);
    server.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, 4);
          exchange.getResponseBody().write("host".getBytes(StandardCharsets.UTF_8));
          exchange.close();
        });
    server.start();
    return server;
  }

  private String startRepl() throws Exception {
    Path workspace = Files.createTempDirectory(Path.of("target"), "egress");
    Workspaces.handOver(workspace, 1000, 1000);
    String id =
        runtime.create(
            new ContainerSpec(
                nodeId + "-repl",
                "repl",
                IMAGE,
                List.of("sleep", "300"),
                Map.of(),
                Map.of("pier.node", nodeId, "pier.test", "egress"),
                workspace.toAbsolutePath(),
                0,
                "127.0.0.1",
                new Limits(0.5, 256, 128),
                networkName));
    containers.add(id);
    runtime.start(id);
    return id;
  }
}
