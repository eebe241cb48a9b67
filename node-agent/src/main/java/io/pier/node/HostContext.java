package io.pier.node;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Where the repl host's work runs: blocking calls (the driver, the disk, storage) on workers, and everything about
 * running repls on one context, which their sessions share.
 */
record HostContext(Vertx vertx, Context context) {

  static HostContext of(Vertx vertx) {
    return new HostContext(vertx, vertx.getOrCreateContext());
  }

  <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  <T> Future<T> onContext(Supplier<Future<T>> work) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(done));
    return done.future();
  }
}
