package io.pier.node.sandbox;

import io.pier.node.runtime.TtyProcess;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The node-agent's only way to run repls, in the shape of Nomad's task drivers: a driver declares its
 * {@link Capabilities}, starts a sandbox from a {@link SandboxSpec} and returns a {@link SandboxHandle} plus the
 * {@link Endpoint} the edge routes to, adopts a sandbox again from its handle after the agent restarted, stops and
 * destroys it, and runs processes in it ({@link SandboxExec}). Docker is the first driver; a microVM driver is a new
 * package implementing this, nothing else in the agent changes. Sandboxes carry the node's ownership in the driver's
 * own way, so that {@link #list} finds them all, handle or not. Every call blocks: run them off the event loop.
 */
public interface SandboxDriver extends SandboxExec, AutoCloseable {

  /** The name {@code PIER_NODE_DRIVER} selects this driver by, and its handles carry. */
  String name();

  Capabilities capabilities();

  /** The isolation runtimes sandboxes may ask for here (Docker: dockerd's runtimes such as runc and runsc). */
  Set<String> runtimes();

  /** The images sandboxes start from. */
  ImageStore images();

  /** How sandboxes get their workspace folder. */
  WorkspacePort workspaces();

  /**
   * Creates and starts a sandbox; on failure, nothing of it is left.
   *
   * @throws ImageMissing     when the spec's image is not on this node
   * @throws SandboxException when it cannot start for another reason
   */
  StartedSandbox start(SandboxSpec spec);

  /**
   * Creates and starts a sandbox whose first process ({@link SandboxSpec#command}) runs on a terminal relayed to
   * {@code terminal} from its first byte, its input open for as long as the sandbox runs; on failure, nothing of it is
   * left. What that process prints is the agent's only: the driver keeps none of it. Only for drivers with
   * {@link Capabilities#terminalFirstProcess}.
   *
   * @throws ImageMissing     when the spec's image is not on this node
   * @throws SandboxException when it cannot start for another reason
   */
  default StartedOnTerminal startOnTerminal(SandboxSpec spec, TtyProcess.Listener terminal) {
    throw new UnsupportedOperationException(name() + " runs no first process on a terminal");
  }

  /**
   * Gives a started spare sandbox (one whose spec's annotations hold {@link SandboxSpec#SPARE}) to the slug: from now
   * on {@link #list} and {@link #recover} know it as the slug's, as if it had been started for it.
   *
   * @throws SandboxException when it cannot; the spare must then be destroyed
   */
  SandboxHandle claim(String id, String slug);

  /**
   * Adopts a sandbox a previous agent started, after this one (re)started.
   *
   * @return whether it still runs, and where the edge reaches its app now ({@link Recovered#GONE} when it is gone)
   */
  Recovered recover(SandboxHandle handle);

  /**
   * The outcome of {@link #recover}.
   *
   * @param running  false when the sandbox is gone or stopped
   * @param endpoint where the edge reaches its app; empty when it publishes none
   */
  record Recovered(boolean running, Optional<Endpoint> endpoint) {
    public static final Recovered GONE = new Recovered(false, Optional.empty());
  }

  /**
   * The sandbox's own address, which this node reaches and where every port the sandbox listens on answers (a
   * container's address on the node's repl network, a microVM's on its tap device): what a driver with
   * {@link Capabilities.NetworkMode#SANDBOX_ADDRESS} answers. An IP address literal, never a name to resolve.
   *
   * @return empty when the sandbox is gone or not running, or the driver reaches sandboxes only through published
   *     ports
   */
  default Optional<String> address(String id) {
    return Optional.empty();
  }

  /** The sandboxes of this node, running or not, that this driver finds by its own means. */
  List<FoundSandbox> list();

  /** Stops the sandbox, giving its processes {@code grace} to end. No error when it is not running. */
  void stop(String id, Duration grace);

  /** Removes the sandbox and what the driver made for it, killing it if needed. No error when it is gone. */
  void destroy(String id);

  /** True while the sandbox runs. */
  boolean running(String id);

  /** The last lines the sandbox's processes printed, for error messages. */
  String logTail(String id, int lines);

  /** What the sandbox uses now; empty when it cannot be measured. */
  Optional<Usage> usage(String id);

  /** A sandbox's resource use. {@code cpuNanos} only grows: two readings give a rate. */
  record Usage(long cpuNanos, long memoryBytes) {}
}
