package io.pier.node.sandbox;

import java.util.Set;

/**
 * What a driver can do, declared once (after Nomad's driver capabilities): the agent asks instead of assuming.
 *
 * @param exec                  runs commands in a sandbox to completion ({@link SandboxExec#execAndWait})
 * @param tty                   runs processes on a pseudo-terminal ({@link SandboxExec#execTty}): terminals, the run
 *                              command
 * @param sharedWorkspaceFolder the sandbox writes the host's workspace folder itself, so the agent's watcher and file
 *                              API see its changes live
 * @param networkModes          how the edge can reach a sandbox's app
 * @param pause                 sandboxes can be frozen and thawed in place
 * @param terminalFirstProcess  a sandbox's first process can run on a terminal the agent holds from its first byte
 *                              ({@link SandboxDriver#startOnTerminal})
 */
public record Capabilities(
    boolean exec,
    boolean tty,
    boolean sharedWorkspaceFolder,
    Set<NetworkMode> networkModes,
    boolean pause,
    boolean terminalFirstProcess) {

  public Capabilities {
    networkModes = Set.copyOf(networkModes);
  }

  /** How the edge reaches a sandbox's app. */
  public enum NetworkMode {
    /** A port of the node published to the sandbox's port: the endpoint is the node's address and that port. */
    PUBLISHED_PORT,
    /**
     * An address of the sandbox's own that the node routes to (a container's on the repl network, a microVM's tap
     * device): {@link SandboxDriver#address} answers it, and every port of the sandbox answers there (E2B's
     * {@code <port>-<id>} hosts). A driver with only this mode returns it as the app's endpoint too.
     */
    SANDBOX_ADDRESS,
    /** No network at all: console programs only. */
    NONE
  }

  /** True when the agent can run its IDE sessions against such sandboxes: terminals, the run command, live files. */
  public boolean servesSessions() {
    return exec && tty && sharedWorkspaceFolder;
  }
}
