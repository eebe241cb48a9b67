package io.pier.node.session;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A repl's environment whose first reading began early, beside its start's restore, so that its first run does not
 * wait for storage (a listing and a read per variable) after its files are in place. That reading is used once, by the
 * first process that asks, if it is done by then (a reading still queued behind other work, on a busy node, is not
 * waited for: that process reads afresh); every later one reads afresh, so a change still reaches the next process.
 */
public final class PrefetchedEnvironment implements ReplEnvironment {
  private final ReplEnvironment source;
  private final AtomicReference<CompletableFuture<Map<String, String>>> first;

  /** @param first the reading of {@code source} begun early */
  public PrefetchedEnvironment(
      ReplEnvironment source, CompletableFuture<Map<String, String>> first) {
    this.source = source;
    this.first = new AtomicReference<>(first);
  }

  @Override
  public Map<String, String> variables() {
    CompletableFuture<Map<String, String>> early = first.getAndSet(null);
    if (early != null && early.isDone() && !early.isCompletedExceptionally()) return early.join();
    // Not read yet, or the reading failed: read now (storage may answer now, and if not, its error
    // is the caller's as usual).
    return source.variables();
  }
}
