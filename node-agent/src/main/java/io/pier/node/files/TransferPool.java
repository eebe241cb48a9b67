package io.pier.node.files;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pier.common.concurrent.DaemonThreads;
import io.pier.common.http.ApiException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The threads streamed transfers of the programs' API run on: one each for its whole life (a file or archive going
 * up or down), a fixed number of them, none waiting: a transfer past that is refused at once with 503. A transfer
 * never waits on its client without a deadline ({@link FileApiSettings#idleTimeout()}), so a thread is always given
 * back. Its meters: transfers open, refused, and bytes in and out.
 */
public final class TransferPool implements AutoCloseable {
  private final ThreadPoolExecutor executor;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();
  private final Counter bytesIn;
  private final Counter bytesOut;

  public TransferPool(int threads, MeterRegistry metrics) {
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            DaemonThreads.numbered("repl-api-transfer"),
            new ThreadPoolExecutor.AbortPolicy());
    executor.allowCoreThreadTimeOut(true);
    Gauge.builder("pier.repl.api.transfers", open, AtomicInteger::get)
        .description("Streamed file and archive transfers of the repls' API open now")
        .register(metrics);
    Gauge.builder("pier.repl.api.transfers.limit", executor, ThreadPoolExecutor::getMaximumPoolSize)
        .description("Streamed transfers the node takes at once")
        .register(metrics);
    FunctionCounter.builder("pier.repl.api.transfers.refused", refused, AtomicLong::get)
        .description("Transfers answered 503 because every transfer thread was busy")
        .register(metrics);
    this.bytesIn =
        Counter.builder("pier.repl.api.bytes")
            .tag("direction", "in")
            .description("Bytes of files and archives received and sent by the repls' API")
            .register(metrics);
    this.bytesOut =
        Counter.builder("pier.repl.api.bytes")
            .tag("direction", "out")
            .description("Bytes of files and archives received and sent by the repls' API")
            .register(metrics);
  }

  /**
   * Runs a transfer on a thread of its own; its result completes on {@code context}.
   *
   * @throws ApiException 503 {@code busy} at once when every thread is taken
   */
  public <T> Future<T> run(Context context, Callable<T> transfer) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            open.incrementAndGet();
            try {
              result.complete(transfer.call());
            } catch (Throwable e) {
              result.completeExceptionally(e);
            } finally {
              open.decrementAndGet();
            }
          });
    } catch (RejectedExecutionException e) {
      refused.incrementAndGet();
      return Future.failedFuture(
          new ApiException(
              503,
              "busy",
              "the node runs "
                  + executor.getMaximumPoolSize()
                  + " transfers already; try again shortly"));
    }
    return Future.fromCompletionStage(result, context);
  }

  public void countIn(long bytes) {
    bytesIn.increment(bytes);
  }

  public void countOut(long bytes) {
    bytesOut.increment(bytes);
  }

  /** Transfers running now. */
  int open() {
    return open.get();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
