package io.pier.common.cluster.hazelcast;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Hazelcast's futures as Vert.x futures, completed on a Vert.x context, without Hazelcast's default executor for
 * callbacks: on a machine with fewer than three cores (ForkJoinPool's common pool has a parallelism of 1 there)
 * Hazelcast falls back to starting a new thread for every callback, which cost the edge a thread per preview request
 * (12,000 threads started in 40 s of load; docs/benchmarks.md). The callback here runs on the thread that completes the
 * future, or at once when it is already complete (a near-cache hit), and only hands the result to the context.
 */
final class HazelcastFutures {
  private static final Executor ON_THE_COMPLETING_THREAD = Runnable::run;

  private HazelcastFutures() {}

  /** @return a future completed on {@code context}: at once when the stage is done and the caller is on it */
  static <T> Future<T> onContext(CompletionStage<T> stage, Context context) {
    Promise<T> promise = Promise.promise();
    stage.whenCompleteAsync(
        (value, failure) -> {
          if (Vertx.currentContext() == context) {
            complete(promise, value, failure);
          } else {
            context.runOnContext(v -> complete(promise, value, failure));
          }
        },
        ON_THE_COMPLETING_THREAD);
    return promise.future();
  }

  private static <T> void complete(Promise<T> promise, T value, Throwable failure) {
    if (failure == null) {
      promise.complete(value);
    } else {
      promise.fail(
          failure instanceof CompletionException && failure.getCause() != null
              ? failure.getCause()
              : failure);
    }
  }
}
