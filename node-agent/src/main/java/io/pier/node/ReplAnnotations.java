package io.pier.node;

import io.pier.common.node.StartRequest;
import io.pier.node.session.LiveRepl;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the agent keeps with each sandbox besides its handle: the run command, the app's port and the first file, so
 * that a restarted agent can adopt the repl without asking anyone. The Docker driver keeps these as the labels
 * {@code pier.run}, {@code pier.port} and {@code pier.open}, which earlier agents read.
 */
final class ReplAnnotations {
  static final String RUN = "run";
  static final String PORT = "port";
  static final String OPEN = "open";

  private ReplAnnotations() {}

  static Map<String, String> of(StartRequest request) {
    Map<String, String> annotations =
        new HashMap<>(Map.of(RUN, request.run(), PORT, String.valueOf(request.port())));
    if (request.open() != null) annotations.put(OPEN, request.open());
    return annotations;
  }

  /** The run settings the annotations name; empty when they name none, or no valid port. */
  static Optional<LiveRepl.RunSpec> runSpec(Map<String, String> annotations) {
    String run = annotations.get(RUN);
    String port = annotations.get(PORT);
    if (run == null || port == null) return Optional.empty();
    try {
      int parsed = Integer.parseInt(port);
      if (parsed < 0 || parsed > 65535) return Optional.empty();
      return Optional.of(new LiveRepl.RunSpec(run, parsed, annotations.get(OPEN)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
