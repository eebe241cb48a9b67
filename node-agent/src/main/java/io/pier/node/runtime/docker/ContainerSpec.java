package io.pier.node.runtime.docker;

import io.pier.common.repl.Limits;
import io.pier.node.runtime.ReplNetwork;
import io.pier.node.runtime.Runtimes;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything dockerd needs to create one repl's container: the Docker driver's own spec.
 *
 * @param workspace     host folder mounted read-write at {@code /workspace}
 * @param containerPort the port the repl's app listens on inside the container
 * @param publishHost   the host address its port is published on (a free host port is chosen)
 * @param hostname      what the repl's shell prompt shows
 * @param network       the network to join (see {@link ReplNetwork}); null for the runtime's default
 * @param runtime       the engine's runtime to run it in (see {@link Runtimes#resolve}); null for the engine's default
 * @param terminal      its first process runs on a terminal, its input open for as long as it runs (as {@code docker
 *                      run -it}); nothing of what it prints is logged by the engine
 */
public record ContainerSpec(
    String name,
    String hostname,
    String image,
    List<String> command,
    Map<String, String> env,
    Map<String, String> labels,
    Path workspace,
    int containerPort,
    String publishHost,
    Limits limits,
    String network,
    String runtime,
    boolean terminal) {

  /** A container in the engine's default runtime whose first process has no terminal. */
  public ContainerSpec(
      String name,
      String hostname,
      String image,
      List<String> command,
      Map<String, String> env,
      Map<String, String> labels,
      Path workspace,
      int containerPort,
      String publishHost,
      Limits limits,
      String network) {
    this(
        name,
        hostname,
        image,
        command,
        env,
        labels,
        workspace,
        containerPort,
        publishHost,
        limits,
        network,
        null,
        false);
  }
}
