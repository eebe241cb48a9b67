package io.pier.node;

import io.micrometer.core.instrument.MeterRegistry;
import io.pier.common.concurrent.DaemonThreads;
import io.pier.node.pool.DemandStore;
import io.pier.node.pool.PoolMeters;
import io.pier.node.pool.PoolSettings;
import io.pier.node.pool.WarmPool;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * This node's pool of spare sandboxes as the repl host runs it: its refill thread, its tidy timer, leftovers of an
 * earlier agent and the demand it kept, and the memory the repls running and starting here reserve, which spares must
 * leave them.
 */
final class NodeSpares {
  /** How often spares beyond recent demand are thrown away. */
  private static final Duration TIDY_EVERY = Duration.ofSeconds(30);

  private final HostContext host;
  private final ReplSandboxes sandboxes;
  private final Map<String, RunningRepl> running;

  /** Repls being started, with the memory they reserve: not running yet, but spares must leave room for them. */
  private final Map<String, Long> starting = new ConcurrentHashMap<>();

  private final ExecutorService refills = WarmPool.refillQueue();

  /**
   * Where warm starts make their spare the slug's while their files are restored: two threads, 16 waiting; beyond
   * that a start does it itself, so that a claim is never dropped (even after {@link #close}).
   */
  private final ExecutorService claims =
      new ThreadPoolExecutor(
          2,
          2,
          0,
          TimeUnit.MILLISECONDS,
          new ArrayBlockingQueue<>(16),
          DaemonThreads.named("spare-claim"),
          (task, executor) -> task.run());

  private final WarmPool pool;
  private volatile long tidyTimer = -1;

  NodeSpares(
      HostContext host,
      PoolSettings settings,
      ReplSandboxes sandboxes,
      Map<String, RunningRepl> running,
      DemandStore demand,
      MeterRegistry metrics) {
    this.host = host;
    this.sandboxes = sandboxes;
    this.running = running;
    this.pool =
        new WarmPool(
            settings,
            sandboxes,
            this::reservedMb,
            Clock.systemUTC(),
            refills,
            new PoolMeters(metrics),
            demand);
  }

  WarmPool pool() {
    return pool;
  }

  ExecutorService claims() {
    return claims;
  }

  /** A start of the slug begins, reserving {@code memoryMb}. */
  void starting(String slug, long memoryMb) {
    starting.put(slug, memoryMb);
  }

  /** The start of the slug is over, done or failed: its kind is refilled now, whether it took a spare or found none. */
  void startEnded(String slug) {
    starting.remove(slug);
    pool.refillAfterStarts();
  }

  /** Removes the spares an earlier agent left. Blocking. */
  void removeLeftovers() {
    sandboxes.removeLeftovers();
  }

  /** Makes the spares this node held before its agent restarted, as its kept demand says ({@link WarmPool#resume}). */
  void resume() {
    pool.resume();
  }

  /** From now on, throws away spares beyond recent demand every {@link #TIDY_EVERY}. */
  void tidyPeriodically() {
    if (pool.enabled() && tidyTimer < 0)
      tidyTimer =
          host.vertx()
              .setPeriodic(
                  TIDY_EVERY.toMillis(),
                  t -> {
                    pool.tidySoon();
                    // Should a start never report its end, its spare is replaced all the same.
                    pool.refillAfterStarts();
                  });
  }

  /**
   * Lets a refill under way finish, then throws every spare away. Blocking.
   *
   * @throws InterruptedException when interrupted while a refill finishes; the spares are thrown away all the same
   */
  void close() throws InterruptedException {
    if (tidyTimer >= 0) host.vertx().cancelTimer(tidyTimer);
    pool.close();
    refills.shutdown();
    claims.shutdown();
    try {
      refills.awaitTermination(2, TimeUnit.MINUTES);
    } finally {
      pool.close();
    }
  }

  /** What the repls running or starting here reserve of the node's memory, in MiB. */
  private long reservedMb() {
    long mb = 0;
    for (RunningRepl r : running.values()) mb += r.limits().memoryMb();
    for (Map.Entry<String, Long> s : starting.entrySet()) {
      if (!running.containsKey(s.getKey())) mb += s.getValue();
    }
    return mb;
  }
}
