package io.pier.node.sandbox;

import java.util.Map;

/**
 * What a driver needs to find one of its sandboxes again, after the agent restarted ({@link SandboxDriver#recover}).
 *
 * @param driver the driver's name: a handle is only ever given back to the driver that made it
 * @param id     the driver's id of the sandbox (a container id, a VM's name)
 * @param state  whatever else the driver wants back, opaque to the agent
 */
public record SandboxHandle(String driver, String slug, String id, Map<String, String> state) {
  public SandboxHandle {
    state = Map.copyOf(state);
  }
}
