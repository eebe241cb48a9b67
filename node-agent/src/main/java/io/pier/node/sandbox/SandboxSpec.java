package io.pier.node.sandbox;

import io.pier.common.repl.Limits;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a driver needs to start one repl's sandbox; nothing here names a driver's technology (the network a
 * Docker sandbox joins or the address its port is published on are the Docker driver's own settings).
 *
 * @param command     the sandbox's first process; it idles, the run command and terminals are started in it
 * @param workspace   the host folder that becomes {@code /workspace} (see {@link WorkspacePort})
 * @param appPort     the port the repl's app listens on inside, 0 for a console program that listens on none
 * @param runtime     the isolation runtime a driver offers ({@link SandboxDriver#runtimes()}); null for its default
 * @param annotations what the agent keeps with the sandbox, returned by {@link SandboxDriver#list()}; a fallback for
 *                    when the agent has no handle for it
 */
public record SandboxSpec(
    String slug,
    String image,
    List<String> command,
    Map<String, String> env,
    Path workspace,
    int appPort,
    Limits limits,
    String runtime,
    Map<String, String> annotations) {
  /**
   * The annotation of a spare sandbox, made before any repl asked for it; its slug is then the spare's name (not a
   * slug: it holds a dot) until {@link SandboxDriver#claim} gives it to a repl.
   */
  public static final String SPARE = "spare";

  public SandboxSpec {
    command = List.copyOf(command);
    env = Map.copyOf(env);
    annotations = Map.copyOf(annotations);
    if (appPort < 0 || appPort > 65535)
      throw new IllegalArgumentException("not a port: " + appPort);
  }

  /** The same sandbox with another first process. */
  public SandboxSpec withCommand(List<String> first) {
    return new SandboxSpec(
        slug, image, first, env, workspace, appPort, limits, runtime, annotations);
  }
}
