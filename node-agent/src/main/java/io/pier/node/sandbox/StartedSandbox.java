package io.pier.node.sandbox;

import java.util.Optional;

/**
 * A sandbox {@link SandboxDriver#start} started.
 *
 * @param endpoint where the edge reaches its app; empty when the spec's app port was 0
 * @param address  its own address as {@link SandboxDriver#address} gives it, known at its start; empty from a driver
 *     that reaches sandboxes only through their endpoints
 */
public record StartedSandbox(
    SandboxHandle handle, Optional<Endpoint> endpoint, Optional<String> address) {

  /** A sandbox reached only through its endpoint. */
  public StartedSandbox(SandboxHandle handle, Optional<Endpoint> endpoint) {
    this(handle, endpoint, Optional.empty());
  }
}
