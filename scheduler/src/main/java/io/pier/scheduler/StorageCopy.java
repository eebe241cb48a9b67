package io.pier.scheduler;

import io.pier.common.store.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Copies every object under one prefix of the store to another, inside the store (no byte passes through the
 * scheduler), a bounded number of copies at once: a fork of a repl with thousands of files is a matter of round
 * trips, which run side by side.
 */
final class StorageCopy {
  /** Copies in flight at once for one copy of a prefix, and the threads of the scheduler's pool for them. */
  static final int PARALLEL = 16;

  /** The scheduler's worker pool for copies ({@code vertx_pool_*} metrics name it). */
  static final String POOL = "pier-storage-copies";

  private final ObjectStore store;
  private final Function<Callable<Object>, Future<Object>> blocking;

  /** @param blocking runs a blocking call off the event loop (on the scheduler's copy workers) */
  StorageCopy(ObjectStore store, Function<Callable<Object>, Future<Object>> blocking) {
    this.store = store;
    this.blocking = blocking;
  }

  /**
   * Copies {@code from}'s objects to {@code to}, keeping the part of each key after the prefix.
   *
   * @param wanted which relative names to copy
   * @return the number of objects copied
   */
  Future<Integer> copy(String from, String to, Predicate<String> wanted) {
    return blocking
        .apply(
            () ->
                store.list(from).stream()
                    .map(o -> o.key().substring(from.length()))
                    .filter(wanted)
                    .toList())
        .compose(
            names -> {
              @SuppressWarnings("unchecked")
              List<String> relative = (List<String>) names;
              return new Run(relative, from, to).start().map(relative.size());
            });
  }

  /**
   * One copy of a prefix: {@link #PARALLEL} lanes, each copying one object after the other from the shared list until
   * it is empty or a copy failed. Every callback runs on the caller's context, so the lanes share no thread.
   */
  private final class Run {
    private final Iterator<String> next;
    private final String from;
    private final String to;
    private final Promise<Void> done = Promise.promise();
    private int lanes;
    private Throwable failed;

    Run(List<String> names, String from, String to) {
      this.next = names.iterator();
      this.from = from;
      this.to = to;
      this.lanes = Math.max(1, Math.min(PARALLEL, names.size()));
    }

    Future<Void> start() {
      for (int i = 0, n = lanes; i < n; i++) step();
      return done.future();
    }

    private void step() {
      if (failed != null || !next.hasNext()) {
        if (--lanes == 0) {
          if (failed == null) done.complete();
          else done.fail(failed);
        }
        return;
      }
      String name = next.next();
      blocking
          .apply(
              () -> {
                store.copy(from + name, to + name);
                return null;
              })
          .onComplete(
              copied -> {
                if (copied.failed() && failed == null) failed = copied.cause();
                step();
              });
    }
  }
}
