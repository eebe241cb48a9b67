package io.pier.node.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.pier.node.runtime.PipedProcess;
import io.pier.node.runtime.ReplFirewall;
import io.pier.node.runtime.TtyProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * {@link ContainerRuntime} on a local dockerd through docker-java. Processes inside containers (terminals, piped
 * processes, commands run to their end) are {@link DockerExecs}'s, images {@link DockerImages}', on this runtime's
 * client.
 */
public final class DockerContainerRuntime implements ContainerRuntime, AutoCloseable {
  /** The user repls run as: never root, and the owner of the workspace on the host. */
  public static final String RUNNER_USER = "1000:1000";

  private static final long MIB = 1024L * 1024L;

  private final DockerClient docker;
  private final DockerExecs execs;
  private final DockerImages images;

  public DockerContainerRuntime(DockerConfig config) {
    var builder = DefaultDockerClientConfig.createDefaultConfigBuilder();
    if (config.host() != null) builder.withDockerHost(config.host());
    var clientConfig = builder.build();
    this.docker =
        DockerClientImpl.getInstance(
            clientConfig,
            new ApacheDockerHttpClient.Builder()
                .dockerHost(clientConfig.getDockerHost())
                .sslConfig(clientConfig.getSSLConfig())
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofSeconds(120))
                .build());
    this.execs = new DockerExecs(docker);
    this.images = new DockerImages(docker);
  }

  /** The isolated network of this node's repls, guarded by {@code firewall}. */
  public DockerReplNetwork network(String nodeId, ReplFirewall firewall) {
    return new DockerReplNetwork(docker, firewall, nodeId);
  }

  /** Fails with a readable message when dockerd does not answer. */
  public void ping() {
    try {
      docker.pingCmd().exec();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "dockerd does not answer (" + e.getMessage() + "); is Docker running?", e);
    }
  }

  @Override
  public String create(ContainerSpec spec) {
    // A console program (port 0) publishes nothing.
    ExposedPort port = spec.containerPort() == 0 ? null : ExposedPort.tcp(spec.containerPort());
    HostConfig host =
        HostConfig.newHostConfig()
            .withMemory(spec.limits().memoryMb() * MIB)
            .withMemorySwap(spec.limits().memoryMb() * MIB)
            .withNanoCPUs((long) (spec.limits().cpus() * 1_000_000_000L))
            .withPidsLimit(spec.limits().pids())
            .withCapDrop(Capability.ALL)
            .withSecurityOpts(List.of("no-new-privileges"))
            .withReadonlyRootfs(true)
            // exec: toolchains (go run, npm) run binaries from /tmp; a writable $HOME is needed by
            // npm and pip.
            .withTmpFs(
                Map.of(
                    "/tmp", "rw,exec,nosuid,nodev,size=256m",
                    "/home/runner", "rw,exec,nosuid,nodev,size=256m,uid=1000,gid=1000"))
            .withBinds(new Bind(spec.workspace().toString(), new Volume("/workspace")))
            // No IPv6 inside: the repl network has no IPv6 addresses, and a link-local one would
            // still reach the host and
            // neighbours on the bridge. Said here rather than left to the engine, whose default has
            // changed over versions.
            .withSysctls(Map.of("net.ipv6.conf.all.disable_ipv6", "1"));
    if (spec.terminal()) {
      // The first process's terminal carries a run's output, which the agent relays: kept by the
      // engine as well, a chatty app would fill the node's disk.
      host.withLogConfig(new LogConfig(LogConfig.LoggingType.NONE));
    }
    if (spec.network() != null) host.withNetworkMode(spec.network());
    if (spec.runtime() != null) host.withRuntime(spec.runtime());
    if (port != null)
      host.withPortBindings(new PortBinding(Ports.Binding.bindIp(spec.publishHost()), port));
    List<String> env = new ArrayList<>();
    spec.env().forEach((k, v) -> env.add(k + "=" + v));
    var create = docker.createContainerCmd(spec.image());
    if (port != null) create.withExposedPorts(port);
    if (spec.terminal()) {
      create
          .withTty(true)
          .withStdinOpen(true)
          .withStdInOnce(false)
          .withAttachStdin(true)
          .withAttachStdout(true)
          .withAttachStderr(true);
    }
    return create
        .withName(spec.name())
        .withHostName(spec.hostname())
        .withLabels(spec.labels())
        .withUser(RUNNER_USER)
        .withWorkingDir("/workspace")
        .withEnv(env)
        .withCmd(spec.command())
        .withHostConfig(host)
        .exec()
        .getId();
  }

  @Override
  public TtyProcess attach(String id, TtyProcess.Listener listener) {
    return DockerContainerTerminal.attach(docker, id, listener, () -> exitCodeOf(id));
  }

  /** The code of a container that stopped; -1 while it runs (its terminal was let go) or once it is gone. */
  private int exitCodeOf(String id) {
    try {
      return inspect(id).map(ContainerInfo::exitCode).orElse(-1);
    } catch (RuntimeException engineGone) {
      return -1;
    }
  }

  @Override
  public void start(String id) {
    docker.startContainerCmd(id).exec();
  }

  @Override
  public void rename(String id, String name) {
    docker.renameContainerCmd(id).withName(name).exec();
  }

  @Override
  public void stop(String id, int graceSeconds) {
    try {
      docker.stopContainerCmd(id).withTimeout(graceSeconds).exec();
    } catch (NotFoundException | NotModifiedException alreadyStopped) {
      // nothing to stop
    }
  }

  @Override
  public void remove(String id) {
    try {
      docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException gone) {
      // already removed
    }
  }

  @Override
  public Optional<ContainerInfo> inspect(String id) {
    try {
      InspectContainerResponse r = docker.inspectContainerCmd(id).exec();
      OptionalInt published = OptionalInt.empty();
      Ports ports = r.getNetworkSettings() == null ? null : r.getNetworkSettings().getPorts();
      if (ports != null) {
        for (Map.Entry<ExposedPort, Ports.Binding[]> e : ports.getBindings().entrySet()) {
          if (e.getValue() != null
              && e.getValue().length > 0
              && e.getValue()[0].getHostPortSpec() != null) {
            published = OptionalInt.of(Integer.parseInt(e.getValue()[0].getHostPortSpec()));
          }
        }
      }
      boolean running = Boolean.TRUE.equals(r.getState().getRunning());
      Long exit = r.getState().getExitCodeLong();
      Map<String, String> addresses = new HashMap<>();
      var networks = r.getNetworkSettings() == null ? null : r.getNetworkSettings().getNetworks();
      if (networks != null) {
        networks.forEach(
            (name, network) -> {
              if (network != null && network.getIpAddress() != null)
                addresses.put(name, network.getIpAddress());
            });
      }
      return Optional.of(
          new ContainerInfo(
              r.getId(),
              withoutSlash(r.getName()),
              r.getConfig().getLabels(),
              running,
              published,
              running || exit == null ? null : exit.intValue(),
              addresses));
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public List<ContainerInfo> list(Map<String, String> labels) {
    List<ContainerInfo> found = new ArrayList<>();
    for (Container c :
        docker.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec()) {
      OptionalInt published = OptionalInt.empty();
      if (c.getPorts() != null) {
        for (var p : c.getPorts()) {
          if (p.getPublicPort() != null) published = OptionalInt.of(p.getPublicPort());
        }
      }
      found.add(
          new ContainerInfo(
              c.getId(),
              c.getNames() == null || c.getNames().length == 0
                  ? null
                  : withoutSlash(c.getNames()[0]),
              c.getLabels(),
              "running".equals(c.getState()),
              published,
              null,
              Map.of()));
    }
    return found;
  }

  @Override
  public String logTail(String id, int lines) {
    StringBuilder out = new StringBuilder();
    try {
      docker
          .logContainerCmd(id)
          .withStdOut(true)
          .withStdErr(true)
          .withTail(lines)
          .exec(
              new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                  out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
              })
          .awaitCompletion(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (NotFoundException e) {
      return "";
    }
    return out.toString();
  }

  @Override
  public TtyProcess execTty(
      String id,
      List<String> command,
      Map<String, String> env,
      int cols,
      int rows,
      TtyProcess.Listener listener) {
    return execs.execTty(id, command, env, cols, rows, listener);
  }

  @Override
  public PipedProcess execPiped(
      String id,
      List<String> command,
      Map<String, String> env,
      String workingDir,
      PipedProcess.Listener listener) {
    return execs.execPiped(id, command, env, workingDir, listener);
  }

  @Override
  public int execAndWait(String id, List<String> command, Duration timeout) {
    return execs.execAndWait(id, command, timeout);
  }

  /** Read from the container's cgroup files: see {@link CgroupUsage}. */
  @Override
  public Optional<Usage> usage(String id) {
    return CgroupUsage.read(id);
  }

  @Override
  public List<String> images() {
    return images.images();
  }

  @Override
  public void pull(String ref, Duration timeout) {
    images.pull(ref, timeout);
  }

  /** dockerd's registered runtimes ({@code docker info}'s Runtimes), which a SIGHUP to dockerd reloads. */
  @Override
  public Set<String> runtimes() {
    var runtimes = docker.infoCmd().exec().getRuntimes();
    return runtimes == null ? Set.of() : new TreeSet<>(runtimes.keySet());
  }

  @Override
  public void close() throws Exception {
    execs.close();
    docker.close();
  }

  private static String withoutSlash(String name) {
    return name != null && name.startsWith("/") ? name.substring(1) : name;
  }
}
