package io.pier.node.ports;

import io.vertx.core.Future;
import java.util.Optional;

/** Where the sandboxes of the repls running on this node answer on their ports. */
public interface Sandboxes {
  /** Whether the repl runs on this node now. */
  boolean runsHere(String slug);

  /** The address of the repl's sandbox; empty when it does not run here or has none. */
  Future<Optional<String>> of(String slug);
}
