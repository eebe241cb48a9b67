package io.pier.node.limits;

import io.pier.common.concurrent.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fixed set of threads with a bounded queue and a deadline for each task, for blocking work that a hostile input
 * can make slow or stuck (reading a FIFO, a huge folder). Nothing else runs here, so Vert.x's event loops and worker
 * pool, and with them heartbeats and cluster duties, never wait behind it.
 *
 * <p>A task is refused at once with {@link Busy} when every thread works and the queue is full. A task not finished
 * by its deadline (time in the queue included) fails with {@link TimedOut}; if it was running, its thread is
 * interrupted and <em>abandoned</em>: the pool starts a thread in its place, up to {@code threads} abandoned ones,
 * and lets the extra thread go once the stuck task returns. Past that cap the pool runs short of threads and answers
 * {@link Busy} sooner, but never grows without bound.
 */
public final class BlockingPool implements AutoCloseable {
  /** The pool and its queue are full: nothing was started. */
  public static final class Busy extends RuntimeException {
    Busy(String message) {
      super(message, null, false, false);
    }
  }

  /** The task did not finish in time; it may still finish later, on its abandoned thread. */
  public static final class TimedOut extends RuntimeException {
    TimedOut(String message) {
      super(message, null, false, false);
    }
  }

  private final String name;
  private final int threads;
  private final Duration timeout;
  private final ThreadPoolExecutor executor;
  private final ScheduledExecutorService deadlines;
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger abandoned = new AtomicInteger();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();

  /**
   * @param threads how many tasks run at once
   * @param queue   how many more may wait for a thread
   * @param timeout how long a task may take from submission to its result
   */
  public BlockingPool(String name, int threads, int queue, Duration timeout) {
    if (threads < 1 || queue < 1 || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "a pool needs threads >= 1, queue >= 1 and a positive timeout");
    }
    this.name = name;
    this.threads = threads;
    this.timeout = timeout;
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queue),
            DaemonThreads.numbered(name),
            new ThreadPoolExecutor.AbortPolicy());
    this.deadlines =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(name + "-deadlines"));
  }

  /** Runs {@code work} on the pool; the result fails with {@link Busy} at once, or {@link TimedOut} at the deadline. */
  public <T> CompletableFuture<T> submit(Callable<T> work) {
    Task<T> task = new Task<>(work);
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      rejected.incrementAndGet();
      task.result.completeExceptionally(
          new Busy(
              executor.isShutdown()
                  ? name + " is shut down"
                  : "the node's "
                      + name
                      + " pool is full ("
                      + threads
                      + " running, "
                      + queued()
                      + " waiting); try again"));
      return task.result;
    }
    ScheduledFuture<?> deadline =
        deadlines.schedule(task::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
    task.result.whenComplete((v, err) -> deadline.cancel(false));
    return task.result;
  }

  /** Tasks running now on threads not abandoned. */
  public int active() {
    return running.get();
  }

  /** Tasks waiting for a thread. */
  public int queued() {
    return executor.getQueue().size();
  }

  /** Threads still stuck in a task that timed out. */
  public int abandoned() {
    return abandoned.get();
  }

  /** Tasks refused because the pool and its queue were full. */
  public long rejected() {
    return rejected.get();
  }

  /** Tasks that failed with {@link TimedOut}, queued or running. */
  public long timedOut() {
    return timedOut.get();
  }

  public Duration timeout() {
    return timeout;
  }

  @Override
  public void close() {
    deadlines.shutdownNow();
    executor.shutdownNow();
  }

  /** One thread in place of each abandoned one, up to {@code threads} of them. */
  private synchronized void resize() {
    int size = threads + Math.min(abandoned.get(), threads);
    if (size > executor.getMaximumPoolSize()) {
      executor.setMaximumPoolSize(size);
      executor.setCorePoolSize(size);
    } else if (size < executor.getCorePoolSize()) {
      executor.setCorePoolSize(size);
      executor.setMaximumPoolSize(size);
    }
  }

  private final class Task<T> implements Runnable {
    final CompletableFuture<T> result = new CompletableFuture<>();
    private final Callable<T> work;

    /** The thread running the work, while it runs; guarded by {@code this}. */
    private Thread runner;

    private boolean stuck;

    Task(Callable<T> work) {
      this.work = work;
    }

    @Override
    public void run() {
      synchronized (this) {
        if (result.isDone()) return; // timed out while it waited
        runner = Thread.currentThread();
        running.incrementAndGet();
      }
      boolean wasStuck;
      try {
        result.complete(work.call());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      } finally {
        synchronized (this) {
          runner = null;
          wasStuck = stuck;
          // An interrupt meant for this task must not reach the next one on this thread.
          Thread.interrupted();
        }
      }
      if (wasStuck) {
        abandoned.decrementAndGet();
        resize();
      } else {
        running.decrementAndGet();
      }
    }

    void expire() {
      synchronized (this) {
        if (result.isDone()) return;
        Thread thread = runner;
        if (thread != null) {
          // Its thread is given up on and replaced before anyone hears of the timeout, so that
          // whoever does can
          // use the pool again at once.
          stuck = true;
          running.decrementAndGet();
          abandoned.incrementAndGet();
          resize();
        }
        // Counted first, so that whoever hears of the timeout sees it counted.
        timedOut.incrementAndGet();
        if (!result.completeExceptionally(
            new TimedOut(name + " operation took longer than " + timeout.toMillis() + " ms"))) {
          timedOut.decrementAndGet();
        } else if (thread != null) {
          thread.interrupt();
        }
      }
    }
  }
}
