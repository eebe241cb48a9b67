package io.pier.node.sandbox;

import java.util.Optional;

/**
 * A sandbox {@link SandboxDriver#start} started.
 *
 * @param endpoint where the edge reaches its app; empty when the spec's app port was 0
 */
public record StartedSandbox(SandboxHandle handle, Optional<Endpoint> endpoint) {}
