package io.pier.node.exec;

import io.pier.node.session.LiveRepl;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every repl's {@link ReplProcesses} on this node, by the repl's live state: a repl started again is a new table (the
 * old sandbox's processes died with it). Tables with nothing running or kept are swept away.
 */
final class NodeProcesses {
  private final ExecLimits limits;
  private final Clock clock;
  private final Map<LiveRepl, ReplProcesses> tables = new ConcurrentHashMap<>();

  NodeProcesses(ExecLimits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * Takes {@code process} into its repl's table (made for it if need be), atomically with {@link #sweep}.
   *
   * @return the table
   * @throws io.pier.common.http.ApiException 429 when the repl runs as many as it may
   */
  ReplProcesses admit(LiveRepl repl, ExecProcess process) {
    return tables.compute(
        repl,
        (r, table) -> {
          ReplProcesses t = table == null ? new ReplProcesses(limits, clock) : table;
          t.admit(process);
          return t;
        });
  }

  /** The repl's table, if it has one. */
  Optional<ReplProcesses> find(LiveRepl repl) {
    return Optional.ofNullable(tables.get(repl));
  }

  /** Drops the tables that hold nothing. */
  void sweep() {
    for (LiveRepl repl : List.copyOf(tables.keySet())) {
      tables.computeIfPresent(repl, (r, table) -> table.empty() ? null : table);
    }
  }

  /** Processes running on the node now. */
  int running() {
    return tables.values().stream().mapToInt(ReplProcesses::running).sum();
  }
}
