package io.pier.node.runtime.docker;

import io.pier.node.runtime.TtyProcess;
import io.pier.node.sandbox.ImageStore;
import io.pier.node.sandbox.SandboxExec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A container engine (dockerd), as the Docker sandbox driver uses it: create with limits, start, stop, inspect, list
 * by label, plus the {@link SandboxExec} and {@link ImageStore} the driver hands on. The agent itself never sees this:
 * it knows the sandbox driver contract only. Every call blocks: run them off the event loop.
 */
public interface ContainerRuntime extends SandboxExec, ImageStore {
  /** Creates (does not start) a container. @return its id */
  String create(ContainerSpec spec);

  void start(String id);

  /**
   * Relays the terminal of a container created with {@link ContainerSpec#terminal} to {@code listener}: called before
   * {@link #start}, it sees the first byte its process prints; the listener is told the container's exit code when it
   * stops. Returns once the engine relays.
   */
  TtyProcess attach(String id, TtyProcess.Listener listener);

  /** Gives the container a new name. */
  void rename(String id, String name);

  /** Stops the container, giving its processes {@code graceSeconds} to exit. No error if it is not running. */
  void stop(String id, int graceSeconds);

  /** Removes the container, killing it if needed. No error if it is already gone. */
  void remove(String id);

  /** @return empty when there is no such container */
  Optional<ContainerInfo> inspect(String id);

  /** Containers, running or not, that carry every one of {@code labels}. */
  List<ContainerInfo> list(Map<String, String> labels);

  /** The last lines the container's processes printed, for error messages. */
  String logTail(String id, int lines);

  /** What the container uses now: its CPU time so far and its memory; empty when it cannot be measured. */
  Optional<Usage> usage(String id);

  /** A container's resource use. {@code cpuNanos} only grows: two readings give a rate. */
  record Usage(long cpuNanos, long memoryBytes) {}

  /** Names of the runtimes the engine can run containers in (such as {@code runc} and {@code runsc}). */
  Set<String> runtimes();
}
