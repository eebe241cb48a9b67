package io.pier.node.sandbox;

import java.util.Map;

/** A handle the agent keeps in its data folder, with the annotations the sandbox was started with. */
public record KeptSandbox(SandboxHandle handle, Map<String, String> annotations) {
  public KeptSandbox {
    annotations = Map.copyOf(annotations);
  }
}
