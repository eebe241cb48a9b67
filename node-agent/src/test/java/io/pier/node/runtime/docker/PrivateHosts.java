package io.pier.node.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hosts on the "private network" of a fleet VM, for a test: a network namespace of the test's own, joined to the host
 * by a veth pair, holding one address in each private or special range repls must not reach, one public address
 * (TEST-NET-2) as the positive control and an IPv6 unique-local address, all routed from the host. Two HTTP servers
 * inside listen on every one of them ({@link #PORT}, {@link #OTHER_PORT}). Names and addresses are random per test,
 * so parallel runs do not collide; {@link #close()} removes all of it.
 */
final class PrivateHosts implements AutoCloseable {
  static final int PORT = 8765;
  static final int OTHER_PORT = 8766;

  private final String namespace;
  private final String hostLink;
  private final String nsLinkAddress;
  private final Map<String, String> addresses = new LinkedHashMap<>();
  private final String publicAddress;
  private final String uniqueLocal;
  private final List<Process> servers = new ArrayList<>();
  private final List<String> routes = new ArrayList<>();

  private PrivateHosts(String suffix, int n, String in192168) {
    this.namespace = "pier-eg-" + suffix;
    this.hostLink = "peh" + suffix;
    this.nsLinkAddress = "10.253." + n + ".2";
    addresses.put("10.0.0.0/8", "10.250." + n + ".1");
    addresses.put("172.16.0.0/12", "172.16." + n + ".1");
    addresses.put("192.168.0.0/16", in192168);
    addresses.put("100.64.0.0/10 (carrier-grade NAT)", "100.64." + n + ".1");
    addresses.put("169.254.0.0/16 (link-local, cloud metadata)", "169.254." + n + ".1");
    this.publicAddress = "198.51.100." + n;
    this.uniqueLocal = "fd7a:1:" + Integer.toHexString(n) + "::2";
  }

  /** Creates the namespace, its addresses and routes, and starts the servers; undoes what it did if a step fails. */
  static PrivateHosts create(String uniqueSuffix) throws Exception {
    // Below 169 so the link-local pick is never 169.254.169.x, the metadata service's own.
    int n = ThreadLocalRandom.current().nextInt(1, 169);
    PrivateHosts hosts = new PrivateHosts(uniqueSuffix, n, unrouted192168(n));
    try {
      hosts.build();
      return hosts;
    } catch (Exception | AssertionError e) {
      hosts.close();
      throw e;
    }
  }

  /**
   * An address in 192.168.0.0/16 that nothing on this host routes yet. Docker hands out that range in /20 blocks to
   * its networks, so on a host with many networks a fixed pick may be one of theirs; one address of each block is
   * tried.
   */
  private static String unrouted192168(int n) throws IOException, InterruptedException {
    for (int block = 250; block > 0; block -= 16) {
      String address = "192.168." + block + "." + n;
      String routed = output(List.of("ip", "-o", "route", "show", "to", "match", address));
      if (routed.lines().allMatch(line -> line.startsWith("default"))) return address;
    }
    return "192.168.250." + n; // build() says which network holds it
  }

  private void build() throws Exception {
    List<String> targets = new ArrayList<>(addresses.values());
    targets.add(publicAddress);
    for (String address : targets) {
      String routed = output(List.of("ip", "-o", "route", "show", "to", "match", address));
      assertTrue(
          routed.lines().allMatch(line -> line.startsWith("default")),
          "test address " + address + " is already routed on this host: " + routed);
    }
    String nsLink = "pen" + hostLink.substring(3);
    String hostLinkAddress = nsLinkAddress.substring(0, nsLinkAddress.lastIndexOf('.')) + ".1";
    String linkPrefix = uniqueLocal.substring(0, uniqueLocal.length() - 1);
    List<List<String>> steps =
        new ArrayList<>(
            List.of(
                List.of("ip", "netns", "add", namespace),
                List.of("ip", "link", "add", hostLink, "type", "veth", "peer", "name", nsLink),
                List.of("ip", "link", "set", nsLink, "netns", namespace),
                List.of("ip", "addr", "add", hostLinkAddress + "/30", "dev", hostLink),
                List.of("ip", "-6", "addr", "add", linkPrefix + "1/64", "dev", hostLink, "nodad"),
                List.of("ip", "link", "set", hostLink, "up"),
                in(List.of("ip", "addr", "add", nsLinkAddress + "/30", "dev", nsLink)),
                in(List.of("ip", "-6", "addr", "add", uniqueLocal + "/64", "dev", nsLink, "nodad")),
                in(List.of("ip", "link", "set", nsLink, "up")),
                in(List.of("ip", "link", "set", "lo", "up")),
                in(List.of("ip", "route", "add", "default", "via", hostLinkAddress))));
    for (String address : targets) {
      steps.add(in(List.of("ip", "addr", "add", address + "/32", "dev", "lo")));
      steps.add(
          List.of("ip", "route", "add", address + "/32", "via", nsLinkAddress, "dev", hostLink));
    }
    for (List<String> step : steps) {
      assertEquals(0, run(step), String.join(" ", step));
      if (step.size() > 3 && step.get(1).equals("route") && step.get(2).equals("add"))
        routes.add(step.get(3));
    }
    for (int port : List.of(PORT, OTHER_PORT)) {
      // Bound to "::", http.server listens on IPv4 and IPv6 alike: every address of the namespace.
      servers.add(
          new ProcessBuilder(
                  in(
                      List.of(
                          "/usr/bin/python3",
                          "-m",
                          "http.server",
                          String.valueOf(port),
                          "--bind",
                          "::")))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start());
    }
  }

  /** Range → the address in it that the namespace holds. */
  Map<String, String> denied() {
    return Map.copyOf(addresses);
  }

  String publicAddress() {
    return publicAddress;
  }

  /** An IPv6 unique-local (fc00::/7) address of the namespace, routed from the host over the veth. */
  String uniqueLocal() {
    return uniqueLocal;
  }

  /** Runs {@code command} inside the namespace (as root, like a host on the private network would be). */
  List<String> in(List<String> command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    full.addAll(command);
    return full;
  }

  @Override
  public void close() throws Exception {
    for (Process server : servers) {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
    }
    for (String route : routes) run(List.of("ip", "route", "del", route));
    // Deleting the host's end deletes the pair; deleting the namespace deletes everything in it.
    run(List.of("ip", "link", "del", hostLink));
    run(List.of("ip", "netns", "del", namespace));
  }

  static int run(List<String> command) throws Exception {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  static String output(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(20, TimeUnit.SECONDS);
    return out;
  }
}
