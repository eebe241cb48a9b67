package io.pier.node.sandbox;

import java.util.Map;

/**
 * A sandbox of this node a driver found by its own means (Docker: by its ownership labels), running or not.
 *
 * @param annotations the {@link SandboxSpec#annotations} it was started with, as far as the driver kept them
 */
public record FoundSandbox(SandboxHandle handle, boolean running, Map<String, String> annotations) {
  public FoundSandbox {
    annotations = Map.copyOf(annotations);
  }
}
