package io.pier.node.pool;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The spare of each kind being made right now, which a start that finds none ready may wait for instead of creating a
 * sandbox of its own: the spare began before that start, so it is ready sooner than a new one, and two creations at
 * once on a small node slow both (a start that missed during a refill took 1.9–3.2 s in bench/skeleton.py, a spare
 * 0.35–0.74 s). Each spare is promised to one start at most; one that is not waited for goes to the pool.
 */
final class SparesBeingMade {
  private final Map<PoolKey, Making> making = new ConcurrentHashMap<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private final Duration patience;

  /** @param patience how long a start waits at most, should the spare being made hang (a stuck engine) */
  SparesBeingMade(Duration patience) {
    this.patience = patience;
  }

  /** A spare of the kind, being made by one refill. */
  static final class Making {
    private final PoolKey key;
    private final CompletableFuture<Spare> spare = new CompletableFuture<>();
    private boolean promised; // guarded by this
    private boolean over; // guarded by this

    private Making(PoolKey key) {
      this.key = key;
    }
  }

  /** A refill begins making a spare of the kind. */
  Making begin(PoolKey key) {
    Making m = new Making(key);
    making.put(key, m);
    return m;
  }

  /**
   * The spare is made.
   *
   * @return true when it went to the start waiting for it; false when nobody waits (any more) and the pool keeps it
   */
  boolean made(Making m, Spare spare) {
    making.remove(m.key, m);
    synchronized (m) {
      m.over = true;
      return m.promised && m.spare.complete(spare);
    }
  }

  /** The spare could not be made: a start waiting for it creates its own sandbox. */
  void failed(Making m, RuntimeException cause) {
    making.remove(m.key, m);
    synchronized (m) {
      m.over = true;
    }
    m.spare.completeExceptionally(cause);
  }

  /**
   * Waits for the spare of the kind being made, when there is one and no other start waits for it. Blocking.
   *
   * @return the spare, the caller's alone; empty when none is being made, another start has it, it could not be made,
   *     or the wait outlasted the patience (the spare then goes to the pool)
   */
  Optional<Spare> await(PoolKey key) {
    Making m = making.get(key);
    if (m == null) return Optional.empty();
    synchronized (m) {
      if (m.over || m.promised) return Optional.empty();
      m.promised = true;
    }
    waiting.incrementAndGet();
    try {
      return Optional.of(m.spare.get(patience.toMillis(), TimeUnit.MILLISECONDS));
    } catch (ExecutionException e) {
      return Optional.empty();
    } catch (TimeoutException e) {
      return giveUp(m);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return giveUp(m);
    } finally {
      waiting.decrementAndGet();
    }
  }

  /** Starts waiting for a spare being made now (a gauge). */
  int waiting() {
    return waiting.get();
  }

  /** Withdraws the promise; when the spare was handed over meanwhile it is the caller's all the same, never lost. */
  private static Optional<Spare> giveUp(Making m) {
    if (m.spare.completeExceptionally(new TimeoutException("gave up waiting")))
      return Optional.empty();
    try {
      return Optional.of(m.spare.join());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
