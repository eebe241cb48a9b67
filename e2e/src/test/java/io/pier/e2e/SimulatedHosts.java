package io.pier.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Hosts simulated as network namespaces, each with one interface on a shared bridge. The bridge itself lives in a
 * namespace of its own, so nothing here touches this machine's own network: its addresses, routes and firewall
 * stay as they are, and the subnet cannot clash with them. Every namespace's name starts with a prefix unique to
 * the instance; {@link #close()} stops the processes started in them and deletes the namespaces (their interfaces
 * and firewall rules go with them).
 */
final class SimulatedHosts implements AutoCloseable {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  private final String prefix;
  private final String subnet;
  private final String switchNamespace;
  private final Map<String, String> namespaces = new LinkedHashMap<>();
  private final List<Process> processes = new ArrayList<>();
  private int nextPort = 1;

  /**
   * @param prefix unique to the caller and short (interface names have at most 15 characters)
   * @param subnet the first three octets of the hosts' /24, e.g. {@code 10.77.0}
   */
  private SimulatedHosts(String prefix, String subnet) {
    this.prefix = prefix;
    this.subnet = subnet;
    this.switchNamespace = prefix + "-switch";
  }

  /** Makes the bridge's namespace; the caller closes the result, also when a later step fails. */
  static SimulatedHosts create(String prefix, String subnet) throws IOException, InterruptedException {
    SimulatedHosts hosts = new SimulatedHosts(prefix, subnet);
    hosts.root("ip", "netns", "add", hosts.switchNamespace);
    hosts.in(hosts.switchNamespace, "ip", "link", "add", "br0", "type", "bridge");
    hosts.in(hosts.switchNamespace, "ip", "link", "set", "br0", "up");
    return hosts;
  }

  /** Adds a host at {@code <subnet>.<octet>}; returns its address. */
  String addHost(String name, int octet) throws IOException, InterruptedException {
    String namespace = prefix + "-" + name;
    root("ip", "netns", "add", namespace);
    namespaces.put(name, namespace);
    String port = "p" + nextPort++;
    in(switchNamespace, "ip", "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", namespace);
    in(switchNamespace, "ip", "link", "set", port, "master", "br0", "up");
    String address = subnet + "." + octet;
    in(namespace, "ip", "link", "set", "lo", "up");
    in(namespace, "ip", "address", "add", address + "/24", "dev", "eth0");
    in(namespace, "ip", "link", "set", "eth0", "up");
    return address;
  }

  /**
   * Adds a host reachable only through {@code gateway}, on a point-to-point link {@code 172.30.0.0/30}: the gateway
   * is {@code .1} and routes for it, the new host {@code .2}. Returns the new host's address.
   */
  String addHostBehind(String name, String gateway) throws IOException, InterruptedException {
    String namespace = prefix + "-" + name;
    root("ip", "netns", "add", namespace);
    namespaces.put(name, namespace);
    String outer = namespace(gateway);
    in(outer, "ip", "link", "add", "inner0", "type", "veth", "peer", "name", "eth0", "netns", namespace);
    in(outer, "ip", "address", "add", "172.30.0.1/30", "dev", "inner0");
    in(outer, "ip", "link", "set", "inner0", "up");
    in(outer, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
    in(namespace, "ip", "link", "set", "lo", "up");
    in(namespace, "ip", "address", "add", "172.30.0.2/30", "dev", "eth0");
    in(namespace, "ip", "link", "set", "eth0", "up");
    in(namespace, "ip", "route", "add", "default", "via", "172.30.0.1");
    return "172.30.0.2";
  }

  String namespace(String host) {
    String namespace = namespaces.get(host);
    if (namespace == null) throw new IllegalArgumentException("no simulated host " + host);
    return namespace;
  }

  /** Runs a command in the host's namespace; fails unless it exits with 0. Returns its output. */
  String run(String host, String... command) throws IOException, InterruptedException {
    return in(namespace(host), command);
  }

  /** Runs a command in the host's namespace and returns its exit code and output (stdout and stderr). */
  Result exec(String host, List<String> command, Duration timeout, Map<String, String> environment, Path directory)
      throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
    full.addAll(command);
    return execute(full, timeout, environment, directory);
  }

  /**
   * Starts a long-running command in the host's namespace and waits for its first line of output ({@code ready}),
   * so that what it sets up is in place when this returns. {@link #close()} stops it.
   */
  void startAndAwaitReady(String host, String... command) throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
    full.addAll(List.of(command));
    Process process = new ProcessBuilder(full).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    processes.add(process);
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    if (!"ready".equals(first)) {
      throw new IOException(String.join(" ", full) + " did not get ready: " + first);
    }
  }

  @Override
  public void close() {
    for (Process process : processes) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<String> all = new ArrayList<>(namespaces.values());
    all.add(switchNamespace);
    for (String namespace : all) {
      try {
        execute(List.of("ip", "netns", "delete", namespace), COMMAND_TIMEOUT, Map.of(), null);
      } catch (IOException e) {
        // keep deleting the others
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Whether {@code ip netns} works here (root, a kernel with network namespaces). */
  static boolean available() {
    try {
      return execute(List.of("ip", "netns", "list"), COMMAND_TIMEOUT, Map.of(), null).code() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private String in(String namespace, String... command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    full.addAll(List.of(command));
    return check(full);
  }

  private void root(String... command) throws IOException, InterruptedException {
    check(List.of(command));
  }

  private static String check(List<String> command) throws IOException, InterruptedException {
    Result result = execute(command, COMMAND_TIMEOUT, Map.of(), null);
    if (result.code() != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + result.code() + ": " + result.output());
    }
    return result.output();
  }

  private static Result execute(List<String> command, Duration timeout, Map<String, String> environment,
                                Path directory) throws IOException, InterruptedException {
    Path log = Files.createTempFile("simulated-host", ".log");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().putAll(environment);
      if (directory != null) builder.directory(directory.toFile());
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        return new Result(-1, "timed out after " + timeout + ": " + Files.readString(log));
      }
      return new Result(process.exitValue(), Files.readString(log));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  record Result(int code, String output) {
  }
}
