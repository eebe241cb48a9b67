package io.pier.node;

import io.pier.common.repl.ReplEnvStore;
import io.pier.common.store.ObjectStore;
import io.pier.node.workspace.Journal;
import io.pier.node.workspace.RestoreMark;
import io.pier.node.workspace.WorkspaceSync;
import io.pier.node.workspace.WriteBehind;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How this node keeps repls' files in storage: restore and full flush ({@link WorkspaceSync}), the write-behind
 * queue's settings and threads, and where its journals live.
 *
 * @param environments the variables repls' owners set, sealed in storage next to their files
 * @param drainTimeout how long a stop waits for the queue to empty before it gives up (and keeps the repl running)
 */
public record Persistence(
    WorkspaceSync sync,
    ObjectStore store,
    Path journals,
    WriteBehind.Settings settings,
    ScheduledExecutorService timer,
    ExecutorService transfers,
    Clock clock,
    Duration drainTimeout,
    ReplEnvStore environments) {

  public Journal journal(String slug) {
    return new Journal(journals.resolve(slug));
  }

  /** The mark of a restore of {@code slug} that has begun and not finished. */
  public RestoreMark restoreMark(String slug) {
    return RestoreMark.of(journals, slug);
  }

  /** A file of the node's own state (not a repl's), beside the journals' folder. */
  public Path nodeFile(String name) {
    return journals.resolveSibling(name);
  }

  public Path journalFile(String slug) {
    return journals.resolve(slug);
  }
}
