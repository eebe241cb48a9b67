package io.pier.node.session;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment variables a repl's owner set (in the API or the IDE), read afresh for every process that starts in
 * the repl (its run command, a terminal, a command run through the API), so that a change reaches the next one
 * without a restart. Values may be secrets: never log them.
 */
@FunctionalInterface
public interface ReplEnvironment {
  /** A repl whose owner set nothing. */
  ReplEnvironment NONE = Map::of;

  /** The variables as they are now. Blocking (they live in storage): call on a worker thread. */
  Map<String, String> variables();

  /** The owner's variables with Pier's own over them: {@code PORT} and the like keep the meaning the repl needs. */
  default Map<String, String> with(Map<String, String> pierOwn) {
    Map<String, String> env = new LinkedHashMap<>(variables());
    env.putAll(pierOwn);
    return env;
  }
}
