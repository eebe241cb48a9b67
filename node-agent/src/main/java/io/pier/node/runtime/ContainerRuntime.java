package io.pier.node.runtime;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The node-agent's only way to run repls: create with limits, start, stop, inspect, list its own.
 * Docker is the first implementation; a microVM runtime is planned, so nothing here may be Docker-specific.
 * Every call blocks: run them off the event loop.
 */
public interface ContainerRuntime {

  /** Creates (does not start) a container. @return its id */
  String create(ContainerSpec spec);

  void start(String id);

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

  /**
   * Starts {@code command} in the running container on a pseudo-terminal of {@code cols}×{@code rows}, as the repl's
   * user in {@code /workspace}.
   */
  TtyProcess execTty(String id, java.util.List<String> command, Map<String, String> env, int cols, int rows,
                     TtyProcess.Listener listener);

  /** Runs {@code command} in the container to completion, as the repl's user. @return its exit code */
  int execAndWait(String id, java.util.List<String> command, java.time.Duration timeout);

  /** What the container uses now: its CPU time so far and its memory; empty when it cannot be measured. */
  Optional<Usage> usage(String id);

  /** A container's resource use. {@code cpuNanos} only grows: two readings give a rate. */
  record Usage(long cpuNanos, long memoryBytes) {
  }

  /**
   * References of the images present: by name ({@code repo:tag}) and, for images that came from or went to a
   * registry, by digest ({@code host:port/repo@sha256:…}).
   */
  List<String> images();

  /**
   * Fetches an image from its registry by reference.
   *
   * @throws RuntimeException saying why when the registry refuses, fails or takes longer than {@code timeout}
   */
  void pull(String ref, java.time.Duration timeout);

  /** Names of the runtimes the engine can run containers in (such as {@code runc} and {@code runsc}). */
  java.util.Set<String> runtimes();
}
