package io.pier.e2e;

import static io.pier.e2e.HostCommands.must;
import static io.pier.e2e.HostCommands.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A dockerd of a node host's own, inside the host's network namespace: its data root, exec root, socket, managed
 * containerd (under the exec root) and iptables rules are its own, so it lives beside the machine's dockerd without
 * touching it. The exec root is a short folder in /tmp because containerd's sockets live under it and a Unix socket
 * path has at most 107 bytes.
 */
final class NodeDockerd implements AutoCloseable {
  private static final Duration START = Duration.ofSeconds(60);

  private final HostProcess process;
  private final Path dataRoot;
  private final Path execRoot;

  private NodeDockerd(HostProcess process, Path dataRoot, Path execRoot) {
    this.process = process;
    this.dataRoot = dataRoot;
    this.execRoot = execRoot;
  }

  /**
   * Starts dockerd in {@code host}'s namespace and waits until it answers.
   *
   * @param dataRoot images and containers (under the test's data folder)
   * @param execRoot sockets and state; keep the path short
   */
  static NodeDockerd start(NetworkNamespaces.Host host, Path dataRoot, Path execRoot)
      throws IOException {
    Files.createDirectories(dataRoot);
    Files.createDirectories(execRoot);
    // Its own (empty) configuration: the machine's daemon.json may name runtimes or a socket of the
    // main dockerd.
    Path config =
        Files.writeString(dataRoot.resolveSibling(dataRoot.getFileName() + ".json"), "{}\n");
    HostProcess process =
        HostProcess.start(
            "dockerd on " + host.name(),
            host.inside(
                "dockerd",
                "--config-file",
                config.toString(),
                "--data-root",
                dataRoot.toString(),
                "--exec-root",
                execRoot.toString(),
                "-H",
                "unix://" + execRoot.resolve("d.sock"),
                "--pidfile",
                execRoot.resolve("d.pid").toString()),
            Map.of(),
            dataRoot.resolveSibling(dataRoot.getFileName() + ".log"),
            Duration.ofSeconds(30));
    NodeDockerd dockerd = new NodeDockerd(process, dataRoot, execRoot);
    try {
      process.awaitReady(START, () -> dockerd.docker("version").ok());
    } catch (RuntimeException e) {
      dockerd.close();
      throw e;
    }
    return dockerd;
  }

  /** What the node-agent's PIER_DOCKER_HOST names. */
  String host() {
    return "unix://" + execRoot.resolve("d.sock");
  }

  /** Runs the docker CLI against this dockerd. */
  HostCommands.Result docker(List<String> args) {
    List<String> command = new ArrayList<>(List.of("docker", "-H", host()));
    command.addAll(args);
    return run(command);
  }

  HostCommands.Result docker(String... args) {
    return docker(List.of(args));
  }

  /**
   * Gives this dockerd the runner images the test's templates use. Today: copied from the machine's dockerd (docker
   * save | docker load, which leaves the machine's images alone); a registry the nodes pull from would replace this.
   */
  void provision(List<String> images) {
    for (String image : images) {
      if (!image.matches("[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9._-]+"))
        throw new IllegalArgumentException(image);
      must(
          "bash",
          "-o",
          "pipefail",
          "-c",
          "docker save " + image + " | docker -H " + host() + " load");
    }
  }

  /** Ids of the containers of this dockerd whose labels include {@code label=value}. */
  List<String> containers(String label, String value) {
    String ids =
        docker("ps", "-aq", "--no-trunc", "--filter", "label=" + label + "=" + value).output();
    return ids.isBlank() ? List.of() : List.of(ids.strip().split("\\s+"));
  }

  /** Where the container's published port is bound on the host ({@code docker port}'s first binding). */
  ReplProbes.Target published(String container) {
    HostCommands.Result ports = docker("port", container);
    for (String line : ports.output().split("\n")) {
      int arrow = line.indexOf("-> ");
      if (arrow < 0) continue;
      String binding = line.substring(arrow + 3).strip();
      int colon = binding.lastIndexOf(':');
      return new ReplProbes.Target(
          binding.substring(0, colon), Integer.parseInt(binding.substring(colon + 1)));
    }
    throw new IllegalStateException("no published port on " + container + ": " + ports.output());
  }

  /**
   * Removes every container of this dockerd, stops it (its containerd with it) and unmounts what it left mounted
   * under its roots. The data root stays for the caller to delete with the rest of the test's folder.
   */
  @Override
  public void close() {
    if (process.alive()) {
      String all = docker("ps", "-aq").output().strip();
      if (!all.isEmpty()) {
        List<String> remove = new ArrayList<>(List.of("rm", "-f", "-v"));
        remove.addAll(List.of(all.split("\\s+")));
        docker(remove);
      }
    }
    process.close();
    awaitContainerdGone();
    unmountUnder(dataRoot);
    unmountUnder(execRoot);
    run("rm", "-rf", execRoot.toString());
  }

  /** The managed containerd outlives dockerd's exit by a moment; its mounts must be gone before they are undone. */
  private void awaitContainerdGone() {
    Path pidFile = execRoot.resolve("containerd/containerd.pid");
    try {
      if (!Files.exists(pidFile)) return;
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      ProcessHandle.of(pid)
          .ifPresent(
              containerd -> {
                // Only the containerd this dockerd started: its command line names this exec root.
                if (containerd
                    .info()
                    .arguments()
                    .map(a -> String.join(" ", a).contains(execRoot.toString()))
                    .orElse(false)) {
                  containerd.destroy();
                  try {
                    containerd.onExit().get(20, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    containerd.destroyForcibly();
                  }
                }
              });
    } catch (IOException | NumberFormatException e) {
      // no containerd pid: nothing to wait for
    }
  }

  /** Unmounts every mount point below {@code root}, deepest first. */
  static void unmountUnder(Path root) {
    try {
      List<String> points = new ArrayList<>();
      for (String line :
          Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
        String point = line.split(" ")[4].replace("\\040", " ");
        if (point.startsWith(root.toString() + "/") || point.equals(root.toString()))
          points.add(point);
      }
      points.sort(Comparator.comparingInt(String::length).reversed());
      for (String point : points) run("umount", "-l", point);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
