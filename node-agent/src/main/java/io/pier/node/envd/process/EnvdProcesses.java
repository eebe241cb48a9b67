package io.pier.node.envd.process;

import io.pier.node.session.LiveRepl;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every repl's {@link ReplProcessTable} on this node, by the repl's live state: a repl started again is a new table
 * (the old sandbox's processes died with it). A table goes once its last process ended.
 */
final class EnvdProcesses {
  private final int perRepl;
  private final Map<LiveRepl, ReplProcessTable> tables = new ConcurrentHashMap<>();

  EnvdProcesses(int perRepl) {
    this.perRepl = perRepl;
  }

  /**
   * Takes {@code process} into its repl's table, atomically with the removal of empty tables.
   *
   * @throws io.pier.node.envd.connect.ConnectException {@code resource_exhausted} when the repl runs its most
   */
  void admit(LiveRepl repl, EnvdProcess process) {
    tables.compute(
        repl,
        (r, table) -> {
          ReplProcessTable t = table == null ? new ReplProcessTable(perRepl) : table;
          t.admit(process);
          return t;
        });
  }

  void remove(LiveRepl repl, EnvdProcess process) {
    tables.computeIfPresent(
        repl,
        (r, table) -> {
          table.remove(process);
          return table.size() == 0 ? null : table;
        });
  }

  Optional<ReplProcessTable> find(LiveRepl repl) {
    return Optional.ofNullable(tables.get(repl));
  }

  /** Processes on the node now. */
  int running() {
    return tables.values().stream().mapToInt(ReplProcessTable::size).sum();
  }
}
