package io.pier.e2e;

import static io.pier.e2e.HostCommands.must;
import static io.pier.e2e.HostCommands.run;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hosts as network namespaces on one switch: each host is a namespace with an {@code eth0} veth into a bridge, and
 * the bridge lives in a namespace of its own (the "switch"). Keeping the bridge out of the root namespace keeps the
 * hosts' traffic out of its firewall: with br_netfilter loaded, frames crossing a root bridge go through the root
 * FORWARD chain, whose policy dockerd sets to DROP. The root namespace gets one veth into the switch, with the
 * subnet's first address, so that this JVM can call the hosts' services.
 *
 * <p>No host on the switch has a default route: the hosts reach only the subnet, and the addresses routed on-link
 * with {@link #routeOnLink}; a host {@linkplain #hostBehind behind another} routes through that one only. Nothing the
 * hosts send can leave the machine.
 */
final class NetworkNamespaces implements AutoCloseable {
  private static final String SWITCH_BRIDGE = "br0";

  /** The point-to-point link between a gateway host and the host behind it: the gateway is .1, the host .2. */
  private static final String BEHIND_NET = "172.30.0.";

  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /** One host: its namespace and address. */
  record Host(String name, String namespace, String address) {
    /** The command run inside the host's network namespace (in the root mount namespace, so with the real cgroups). */
    List<String> inside(List<String> command) {
      List<String> full =
          new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + namespace, "--"));
      full.addAll(command);
      return full;
    }

    List<String> inside(String... command) {
      return inside(List.of(command));
    }
  }

  private final String prefix;
  private final String subnet;
  private final String switchNamespace;
  private final String rootLeg;
  private final List<Host> hosts = new ArrayList<>();
  private final List<HostProcess> processes = new ArrayList<>();
  private boolean switchMade;

  /**
   * @param id a short run id ([a-z0-9], at most 8): namespaces are {@code pn-<id>-<host>}, the root's veth {@code
   *           pn<id>}
   */
  NetworkNamespaces(String id) {
    this.prefix = "pn-" + id + "-";
    this.switchNamespace = prefix + "sw";
    this.rootLeg = "pn" + id;
    this.subnet = FreeSubnet.pick(ThreadLocalRandom.current());
  }

  /** Whether this machine can make namespaces: root with iproute2 and nsenter. */
  static boolean available() {
    return "0".equals(run("id", "-u").output().strip())
        && run("ip", "netns", "list").ok()
        && run("nsenter", "--version").ok();
  }

  /** The switch and the root's veth into it. */
  NetworkNamespaces open() {
    must("ip", "netns", "add", switchNamespace);
    switchMade = true;
    must("ip", "-n", switchNamespace, "link", "add", SWITCH_BRIDGE, "type", "bridge");
    must("ip", "-n", switchNamespace, "link", "set", SWITCH_BRIDGE, "up");
    must(
        "ip",
        "link",
        "add",
        rootLeg,
        "type",
        "veth",
        "peer",
        "name",
        "root",
        "netns",
        switchNamespace);
    must("ip", "-n", switchNamespace, "link", "set", "root", "master", SWITCH_BRIDGE, "up");
    must("ip", "addr", "add", rootAddress() + "/24", "dev", rootLeg);
    must("ip", "link", "set", rootLeg, "up");
    return this;
  }

  /** The root namespace's address on the switch. */
  String rootAddress() {
    return subnet + ".1";
  }

  /** The switch's subnet, {@code a.b.c.0/24}. */
  String cidr() {
    return subnet + ".0/24";
  }

  /** A host on the switch's subnet, at {@code <subnet>.<lastOctet>}. */
  Host host(String name, int lastOctet) {
    return host(name, subnet + "." + lastOctet, 24);
  }

  /** A host with an address of its own choosing (outside the subnet: route it on-link both ways). */
  Host host(String name, String address, int prefixLength) {
    Host host = new Host(name, prefix + name, address);
    must("ip", "netns", "add", host.namespace());
    hosts.add(host);
    // The switch's port is named after the host ("h-a"; a bare "a" would read as ip's "address"
    // keyword).
    String port = "h-" + name;
    must(
        "ip",
        "-n",
        switchNamespace,
        "link",
        "add",
        port,
        "type",
        "veth",
        "peer",
        "name",
        "eth0",
        "netns",
        host.namespace());
    must("ip", "-n", switchNamespace, "link", "set", port, "master", SWITCH_BRIDGE, "up");
    must("ip", "-n", host.namespace(), "link", "set", "lo", "up");
    must("ip", "-n", host.namespace(), "addr", "add", address + "/" + prefixLength, "dev", "eth0");
    must("ip", "-n", host.namespace(), "link", "set", "eth0", "up");
    return host;
  }

  /**
   * A host reachable only through {@code gateway}, on a point-to-point link {@code 172.30.0.0/30} of its own: the
   * gateway is {@code .1} and forwards for it, the new host {@code .2} with its default route through the gateway.
   * One such host per gateway.
   */
  Host hostBehind(String name, Host gateway) {
    Host host = new Host(name, prefix + name, BEHIND_NET + "2");
    must("ip", "netns", "add", host.namespace());
    hosts.add(host);
    String port = "b-" + name;
    must(
        "ip",
        "-n",
        gateway.namespace(),
        "link",
        "add",
        port,
        "type",
        "veth",
        "peer",
        "name",
        "eth0",
        "netns",
        host.namespace());
    must("ip", "-n", gateway.namespace(), "addr", "add", BEHIND_NET + "1/30", "dev", port);
    must("ip", "-n", gateway.namespace(), "link", "set", port, "up");
    must(gateway.inside("sysctl", "-q", "-w", "net.ipv4.ip_forward=1"));
    must("ip", "-n", host.namespace(), "link", "set", "lo", "up");
    must("ip", "-n", host.namespace(), "addr", "add", host.address() + "/30", "dev", "eth0");
    must("ip", "-n", host.namespace(), "link", "set", "eth0", "up");
    must("ip", "-n", host.namespace(), "route", "add", "default", "via", BEHIND_NET + "1");
    return host;
  }

  /**
   * Starts a long-running command inside {@code host} and waits until it prints the line {@code ready}, so that what
   * it sets up is in place when this returns. {@link #close()} stops it before the namespaces go.
   */
  HostProcess startAndAwaitReady(Host host, List<String> command, Path log, Duration within)
      throws IOException {
    HostProcess process =
        HostProcess.start(
            command.get(0) + " on " + host.name(), host.inside(command), Map.of(), log, STOP_GRACE);
    processes.add(process);
    process.awaitLine("ready", within);
    return process;
  }

  /** Lets {@code host} reach {@code cidr} directly over the switch (no router between). */
  void routeOnLink(Host host, String cidr) {
    must("ip", "-n", host.namespace(), "route", "add", cidr, "dev", "eth0");
  }

  /** Whether a TCP connection from inside {@code from} to host:port is accepted within three seconds. */
  static boolean connects(Host from, String host, int port) {
    return run(from.inside("timeout", "3", "bash", "-c", "exec 3<>/dev/tcp/" + host + "/" + port))
        .ok();
  }

  /**
   * Stops the processes {@link #startAndAwaitReady} started, deletes the hosts' namespaces (their veths go with them),
   * the switch and the root's veth. Other processes still in a namespace keep it alive: stop them first.
   */
  @Override
  public void close() {
    for (HostProcess process : processes) process.close();
    processes.clear();
    for (Host host : hosts) run("ip", "netns", "delete", host.namespace());
    hosts.clear();
    if (switchMade) run("ip", "netns", "delete", switchNamespace);
    switchMade = false;
    // Deleting the switch takes the root's veth with it, asynchronously: delete it now so the name
    // is free at once.
    run("ip", "link", "delete", rootLeg);
  }
}
