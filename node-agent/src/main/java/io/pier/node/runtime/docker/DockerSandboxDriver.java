package io.pier.node.runtime.docker;

import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import io.pier.node.runtime.CpuBurst;
import io.pier.node.runtime.EgressPolicy;
import io.pier.node.runtime.PipedProcess;
import io.pier.node.runtime.ReplFirewall;
import io.pier.node.runtime.TtyProcess;
import io.pier.node.sandbox.Capabilities;
import io.pier.node.sandbox.Endpoint;
import io.pier.node.sandbox.FoundSandbox;
import io.pier.node.sandbox.ImageMissing;
import io.pier.node.sandbox.ImageStore;
import io.pier.node.sandbox.SandboxDriver;
import io.pier.node.sandbox.SandboxException;
import io.pier.node.sandbox.SandboxHandle;
import io.pier.node.sandbox.SandboxSpec;
import io.pier.node.sandbox.StartedOnTerminal;
import io.pier.node.sandbox.StartedSandbox;
import io.pier.node.sandbox.WorkspacePort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Sandboxes as containers of the local dockerd: each idles in its image with the repl's limits, its workspace
 * bind-mounted, its app's port published on a free port of {@link Settings#publishHost}, on the node's isolated repl
 * network when there is one. Containers carry the node's {@link DockerLabels}.
 */
public final class DockerSandboxDriver implements SandboxDriver {
  public static final String NAME = "docker";
  private static final Capabilities CAPABILITIES =
      new Capabilities(
          true,
          true,
          true,
          Set.of(Capabilities.NetworkMode.PUBLISHED_PORT, Capabilities.NetworkMode.SANDBOX_ADDRESS),
          false,
          true);

  /**
   * The Docker driver's configuration.
   *
   * @param publishHost the address of this node the edge reaches published ports on
   * @param network     the Docker network sandboxes join (see {@link DockerReplNetwork}); null for dockerd's default
   */
  public record Settings(String nodeId, String publishHost, String network) {}

  /** What a spare's shell prompt shows: it is made before the repl it will be is known. */
  private static final String SPARE_HOSTNAME = "repl";

  private final DockerContainerRuntime engine;
  private final Settings settings;
  private final CpuBurst cpuBurst;
  private final NodeContainers containers;
  private final WorkspacePort workspaces = new BindMountedWorkspaces();

  /** Takes {@code engine} over: closing the driver closes it. Sandboxes get {@code cpuBurst} once they run. */
  public DockerSandboxDriver(DockerContainerRuntime engine, Settings settings, CpuBurst cpuBurst) {
    this.engine = engine;
    this.settings = settings;
    this.cpuBurst = cpuBurst;
    this.containers = new NodeContainers(settings);
  }

  /** A driver whose sandboxes get no CPU burst. */
  public DockerSandboxDriver(DockerContainerRuntime engine, Settings settings) {
    this(engine, settings, CpuBurst.NONE);
  }

  /**
   * A driver on the dockerd {@code config} names, checked to answer; with {@code isolation}, sandboxes join the node's
   * own network behind {@code firewall}; each gets {@code cpuBurst} once it runs.
   *
   * @throws IllegalStateException when dockerd does not answer or the network cannot be made
   */
  public static DockerSandboxDriver open(
      DockerConfig config,
      String nodeId,
      String publishHost,
      Optional<EgressPolicy> isolation,
      ReplFirewall firewall,
      CpuBurst cpuBurst) {
    DockerContainerRuntime engine = new DockerContainerRuntime(config);
    try {
      engine.ping();
      String network =
          isolation.map(policy -> engine.network(nodeId, firewall).ensure(policy)).orElse(null);
      return new DockerSandboxDriver(engine, new Settings(nodeId, publishHost, network), cpuBurst);
    } catch (RuntimeException e) {
      try {
        engine.close();
      } catch (Exception closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Capabilities capabilities() {
    return CAPABILITIES;
  }

  @Override
  public Set<String> runtimes() {
    return engine.runtimes();
  }

  @Override
  public ImageStore images() {
    return engine;
  }

  @Override
  public WorkspacePort workspaces() {
    return workspaces;
  }

  @Override
  public StartedSandbox start(SandboxSpec spec) {
    String id = create(spec, false);
    try {
      return started(spec, id);
    } catch (RuntimeException e) {
      engine.remove(id);
      throw e instanceof DockerException ? new SandboxException(e.getMessage(), e) : e;
    }
  }

  /** Attaches to the container's terminal between its creation and its start, as {@code docker run -it} does. */
  @Override
  public StartedOnTerminal startOnTerminal(SandboxSpec spec, TtyProcess.Listener terminal) {
    String id = create(spec, true);
    TtyProcess attached = null;
    try {
      attached = engine.attach(id, terminal);
      return new StartedOnTerminal(started(spec, id), attached);
    } catch (RuntimeException e) {
      if (attached != null) attached.close();
      engine.remove(id);
      throw e instanceof DockerException ? new SandboxException(e.getMessage(), e) : e;
    }
  }

  private String create(SandboxSpec spec, boolean terminal) {
    try {
      return engine.create(
          new ContainerSpec(
              containers.name(spec.slug()),
              spec.annotations().containsKey(SandboxSpec.SPARE) ? SPARE_HOSTNAME : spec.slug(),
              spec.image(),
              spec.command(),
              spec.env(),
              DockerLabels.of(settings.nodeId(), spec.slug(), spec.annotations()),
              spec.workspace(),
              spec.appPort(),
              settings.publishHost(),
              spec.limits(),
              settings.network(),
              spec.runtime(),
              terminal));
    } catch (NotFoundException e) {
      throw new ImageMissing(spec.image(), e);
    } catch (DockerException e) {
      throw new SandboxException(e.getMessage(), e);
    }
  }

  /** Starts the created container {@code id}: what {@link #start} returns. The caller removes it on failure. */
  private StartedSandbox started(SandboxSpec spec, String id) {
    engine.start(id);
    // Before anything runs in it but its idle command: what it leaves of its quota while it
    // waits is its app's to boot with.
    cpuBurst.allow(id);
    // One inspect gives both: the published port and the address the readiness probe tries.
    ContainerInfo started =
        engine
            .inspect(id)
            .orElseThrow(
                () -> new SandboxException("the container of " + spec.slug() + " is gone", null));
    Optional<Endpoint> endpoint = Optional.empty();
    if (spec.appPort() != 0) {
      endpoint =
          Optional.of(
              containers
                  .endpoint(started)
                  .orElseThrow(
                      () ->
                          new SandboxException(
                              "the container of " + spec.slug() + " has no published port", null)));
    }
    return new StartedSandbox(
        new SandboxHandle(NAME, spec.slug(), id, Map.of()), endpoint, containers.address(started));
  }

  /**
   * Labels cannot change, so a claimed spare keeps the spare's {@value DockerLabels#SLUG} label: its new name, which
   * {@link NodeContainers#slugOf} reads, says whose it is.
   */
  @Override
  public SandboxHandle claim(String id, String slug) {
    try {
      engine.rename(id, containers.name(slug));
    } catch (DockerException e) {
      throw new SandboxException(e.getMessage(), e);
    }
    return new SandboxHandle(NAME, slug, id, Map.of());
  }

  @Override
  public Recovered recover(SandboxHandle handle) {
    if (!NAME.equals(handle.driver())) return Recovered.GONE;
    return engine
        .inspect(handle.id())
        .filter(
            c ->
                settings.nodeId().equals(c.labels().get(DockerLabels.NODE))
                    && handle.slug().equals(containers.slugOf(c)))
        .map(c -> new Recovered(c.running(), containers.endpoint(c)))
        .orElse(Recovered.GONE);
  }

  /** The container's address on the network it joined (the node's repl network, or dockerd's default). */
  @Override
  public Optional<String> address(String id) {
    try {
      return engine.inspect(id).filter(ContainerInfo::running).flatMap(containers::address);
    } catch (DockerException e) {
      throw new SandboxException(e.getMessage(), e);
    }
  }

  @Override
  public List<FoundSandbox> list() {
    List<FoundSandbox> found = new ArrayList<>();
    for (ContainerInfo c : engine.list(DockerLabels.ofNode(settings.nodeId()))) {
      String slug = containers.slugOf(c);
      if (slug == null) continue;
      found.add(
          new FoundSandbox(
              new SandboxHandle(NAME, slug, c.id(), Map.of()),
              c.running(),
              DockerLabels.annotations(c.labels())));
    }
    return found;
  }

  @Override
  public void stop(String id, Duration grace) {
    engine.stop(id, (int) Math.max(0, grace.toSeconds()));
  }

  @Override
  public void destroy(String id) {
    engine.remove(id);
  }

  @Override
  public boolean running(String id) {
    return engine.inspect(id).map(ContainerInfo::running).orElse(false);
  }

  @Override
  public String logTail(String id, int lines) {
    return engine.logTail(id, lines);
  }

  @Override
  public Optional<Usage> usage(String id) {
    return engine.usage(id).map(u -> new Usage(u.cpuNanos(), u.memoryBytes()));
  }

  @Override
  public TtyProcess execTty(
      String id,
      List<String> command,
      Map<String, String> env,
      int cols,
      int rows,
      TtyProcess.Listener listener) {
    return engine.execTty(id, command, env, cols, rows, listener);
  }

  @Override
  public PipedProcess execPiped(
      String id,
      List<String> command,
      Map<String, String> env,
      String workingDir,
      PipedProcess.Listener listener) {
    return engine.execPiped(id, command, env, workingDir, listener);
  }

  @Override
  public int execAndWait(String id, List<String> command, Duration timeout) {
    return engine.execAndWait(id, command, timeout);
  }

  @Override
  public void close() throws Exception {
    engine.close();
  }
}
