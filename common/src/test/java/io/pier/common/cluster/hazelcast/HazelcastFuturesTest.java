package io.pier.common.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.spi.impl.InternalCompletableFuture;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HazelcastFuturesTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aFutureHazelcastHasCompletedIsHandedOverAtOnceOnItsContext() throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<Boolean> completeAtOnce = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          Future<String> value =
              HazelcastFutures.onContext(
                  InternalCompletableFuture.newCompletedFuture("x"), context);
          completeAtOnce.complete(value.isComplete() && "x".equals(value.result()));
        });
    assertTrue(
        completeAtOnce.get(10, TimeUnit.SECONDS),
        "a near-cache hit is not handed to another thread and back");
  }

  @Test
  void aLaterCompletionIsDeliveredOnTheContextThatAsked() throws Exception {
    Context context = vertx.getOrCreateContext();
    InternalCompletableFuture<String> pending = new InternalCompletableFuture<>();
    CompletableFuture<Thread> deliveredOn = new CompletableFuture<>();
    CompletableFuture<Thread> contextThread = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          contextThread.complete(Thread.currentThread());
          HazelcastFutures.onContext(pending, context)
              .onSuccess(value -> deliveredOn.complete(Thread.currentThread()));
        });
    contextThread.get(10, TimeUnit.SECONDS);
    pending.complete("later");
    assertSame(contextThread.get(), deliveredOn.get(10, TimeUnit.SECONDS));
  }

  @Test
  void aFailureArrivesUnwrapped() throws Exception {
    Context context = vertx.getOrCreateContext();
    InternalCompletableFuture<String> failing = new InternalCompletableFuture<>();
    CompletableFuture<Throwable> cause = new CompletableFuture<>();
    context.runOnContext(
        v -> HazelcastFutures.onContext(failing, context).onFailure(cause::complete));
    failing.completeExceptionally(new IllegalStateException("partition lost"));
    assertEquals("partition lost", cause.get(10, TimeUnit.SECONDS).getMessage());
  }
}
