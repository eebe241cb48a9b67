package io.pier.node.pool;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.repl.Limits;
import io.pier.node.sandbox.SandboxHandle;
import io.pier.node.sandbox.StartedSandbox;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The pool's policy and bookkeeping, over spares that are records in memory and refills run when the test says. */
class WarmPoolTest {
  private static final PoolKey NODE_KIND =
      new PoolKey("pier-runner-node:latest", 3000, new Limits(0.5, 256, 128), null);
  private static final PoolKey PYTHON_KIND =
      new PoolKey("pier-runner-python:latest", 8000, new Limits(0.5, 256, 128), null);

  /** Spares as records; remembers what it made and threw away, and can hold a making until the test lets it end. */
  private static final class Spares implements SpareFactory {
    final AtomicInteger made = new AtomicInteger();
    final List<Spare> discarded = new CopyOnWriteArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch making = new CountDownLatch(1);
    volatile boolean held;
    volatile RuntimeException failure;

    @Override
    public Spare make(PoolKey key) {
      if (held) {
        making.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      if (failure != null) throw failure;
      String id = "s" + made.incrementAndGet();
      return new Spare(
          id,
          key,
          new StartedSandbox(
              new SandboxHandle("fake", "spare." + id, id, Map.of()), Optional.empty()),
          Path.of("/spares", id));
    }

    @Override
    public void discard(Spare spare) {
      discarded.add(spare);
    }
  }

  /** Refills queued until the test runs them. */
  private static final class Queue implements java.util.concurrent.Executor {
    final List<Runnable> queued = new CopyOnWriteArrayList<>();

    @Override
    public void execute(Runnable task) {
      queued.add(task);
    }

    void runAll() {
      while (!queued.isEmpty()) queued.remove(0).run();
    }
  }

  /** A clock the test moves. */
  private static final class TestClock extends Clock {
    final AtomicLong millis = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  }

  private final Spares spares = new Spares();
  private final Queue refills = new Queue();
  private final TestClock clock = new TestClock();
  private final AtomicLong reservedMb = new AtomicLong();

  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private final DemandInMemory kept = new DemandInMemory();

  /** Demand kept in memory, as a node's file keeps it between two agents. */
  private static final class DemandInMemory implements DemandStore {
    volatile Map<PoolKey, List<Long>> starts = Map.of();
    final AtomicInteger saves = new AtomicInteger();

    @Override
    public Map<PoolKey, List<Long>> load() {
      return starts;
    }

    @Override
    public void save(Map<PoolKey, List<Long>> starts) {
      this.starts = Map.copyOf(starts);
      saves.incrementAndGet();
    }
  }

  private WarmPool pool(int perKey, int total, long capacityMb) {
    return pool(perKey, total, capacityMb, Duration.ofMinutes(1));
  }

  private WarmPool pool(int perKey, int total, long capacityMb, Duration sparePatience) {
    return new WarmPool(
        new PoolSettings(perKey, total, Duration.ofMinutes(10), capacityMb),
        spares,
        reservedMb::get,
        clock,
        refills,
        new PoolMeters(metrics),
        kept,
        sparePatience);
  }

  private static void eventually(BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError(what);
      Thread.sleep(5);
    }
  }

  /**
   * A pool of one spare of the node kind, whose first refill is under way on a thread of its own and held until the
   * test releases {@link Spares#release}.
   */
  private WarmPool poolMakingASpare(Duration sparePatience, ExecutorService threads)
      throws Exception {
    WarmPool pool = pool(1, 8, 100_000, sparePatience);
    spares.held = true;
    assertEquals(Optional.empty(), pool.claim(NODE_KIND), "nothing is being made yet: a miss");
    pool.refillAfterStarts();
    Runnable refill = refills.queued.remove(0);
    threads.submit(refill);
    assertTrue(spares.making.await(10, SECONDS), "the refill makes a spare");
    return pool;
  }

  private long waits() {
    return metrics.get("pier.node.pool.waits").timer().count();
  }

  /** {@code n} starts of the kind, each a miss or a claim, with the refills they queue run. */
  private static void starts(WarmPool pool, PoolKey kind, int n, Queue refills) {
    for (int i = 0; i < n; i++) pool.claim(kind);
    pool.refillAfterStarts();
    refills.runAll();
  }

  @Test
  void aKindGetsAsManySparesAsItHadStartsUpToItsSize() {
    WarmPool pool = pool(2, 8, 100_000);

    assertEquals(Optional.empty(), pool.claim(NODE_KIND), "nothing is pooled before any demand");
    pool.refillAfterStarts();
    refills.runAll();
    assertEquals(1, pool.size(NODE_KIND));

    starts(pool, NODE_KIND, 5, refills);
    assertEquals(2, pool.size(NODE_KIND), "at most PIER_POOL_SIZE of a kind");
    assertEquals(0, pool.size(PYTHON_KIND), "a kind nobody started gets none");
  }

  @Test
  void aSpareIsMadeOnlyOnceTheStartThatTookOneOrFoundNoneIsOver() {
    WarmPool pool = pool(1, 8, 100_000);
    assertEquals(Optional.empty(), pool.claim(NODE_KIND));
    assertEquals(List.of(), refills.queued, "no spare is made while the start creates its own");
    pool.refillAfterStarts();
    refills.runAll();
    assertEquals(1, pool.size(NODE_KIND), "made once the start that missed is over");

    assertTrue(pool.claim(NODE_KIND).isPresent());
    assertEquals(List.of(), refills.queued, "no spare is made while the claimed one's app boots");
    pool.refillAfterStarts();
    refills.runAll();
    assertEquals(1, pool.size(NODE_KIND), "replaced once the start is over");
  }

  @Test
  void theNodeHoldsNoMoreSparesThanItsTotal() {
    WarmPool pool = pool(3, 4, 100_000);

    starts(pool, NODE_KIND, 3, refills);
    starts(pool, PYTHON_KIND, 3, refills);

    assertEquals(4, pool.size());
  }

  @Test
  void concurrentStartsNeverGetTheSameSpare() throws Exception {
    WarmPool pool = pool(4, 8, 100_000);
    starts(pool, NODE_KIND, 4, refills);
    assertEquals(4, pool.size(NODE_KIND));

    int starters = 16;
    ExecutorService threads = Executors.newFixedThreadPool(starters);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Optional<Spare>>> claims = new ArrayList<>();
    for (int i = 0; i < starters; i++) {
      claims.add(
          threads.submit(
              () -> {
                go.await();
                return pool.claim(NODE_KIND);
              }));
    }
    go.countDown();
    Set<String> handedOut = ConcurrentHashMap.newKeySet();
    int got = 0;
    for (Future<Optional<Spare>> claim : claims) {
      Optional<Spare> spare = claim.get();
      if (spare.isPresent()) {
        got++;
        assertTrue(handedOut.add(spare.get().id()), spare.get().id() + " was handed out twice");
      }
    }
    threads.shutdown();

    assertEquals(4, got, "each of the 4 spares went to exactly one start");
    assertEquals(0, pool.size(NODE_KIND));
  }

  @Test
  void aStartThatNeedsMemoryThrowsSparesAwayFirst() {
    WarmPool pool = pool(2, 8, 1000);
    starts(pool, NODE_KIND, 2, refills);
    assertEquals(512, pool.pooledMemoryMb());
    reservedMb.set(400 + 256); // running repls, and the start that needs room

    pool.makeRoom();

    assertEquals(1, spares.discarded.size(), "400 + 256 + 512 > 1000: one spare of 256 goes");
    assertEquals(256, pool.pooledMemoryMb());
    assertTrue(400 + 256 + pool.pooledMemoryMb() <= 1000);
  }

  @Test
  void sparesOnlyTakeTheMemoryRunningReplsLeave() {
    WarmPool pool = pool(4, 8, 1000);
    reservedMb.set(400);

    starts(pool, NODE_KIND, 4, refills);

    assertEquals(2, pool.size(NODE_KIND), "600 MiB left: two spares of 256");
  }

  @Test
  void sparesOfAKindNobodyStartedInTheWindowAreThrownAway() {
    WarmPool pool = pool(2, 8, 100_000);
    starts(pool, NODE_KIND, 2, refills);
    starts(pool, PYTHON_KIND, 1, refills);
    clock.millis.addAndGet(Duration.ofMinutes(6).toMillis());
    starts(pool, PYTHON_KIND, 1, refills);

    clock.millis.addAndGet(Duration.ofMinutes(5).toMillis());
    pool.tidy();

    assertEquals(0, pool.size(NODE_KIND), "no node start in the last 10 minutes");
    assertEquals(1, pool.size(PYTHON_KIND), "one python start in the last 10 minutes");
  }

  @Test
  void aRestartedAgentsPoolMakesTheSparesItsRecentDemandAskedFor() {
    WarmPool before = pool(2, 8, 100_000);
    starts(before, NODE_KIND, 2, refills);
    starts(before, PYTHON_KIND, 1, refills);
    clock.millis.addAndGet(Duration.ofMinutes(6).toMillis());
    starts(before, PYTHON_KIND, 1, refills);
    before.close();
    clock.millis.addAndGet(Duration.ofMinutes(5).toMillis());

    WarmPool after = pool(2, 8, 100_000);
    after.resume();
    refills.runAll();

    assertEquals(0, after.size(NODE_KIND), "its starts are older than the window now");
    assertEquals(1, after.size(PYTHON_KIND), "one python start in the last 10 minutes");
    assertTrue(after.claim(PYTHON_KIND).isPresent(), "the first start after the restart is warm");
  }

  @Test
  void keptStartsStillToComeAreNotTakenUp() {
    // A clock set back between two agents: such starts would never leave the window.
    kept.starts = Map.of(NODE_KIND, List.of(clock.millis() + Duration.ofHours(1).toMillis()));
    WarmPool pool = pool(2, 8, 100_000);

    pool.resume();
    refills.runAll();

    assertEquals(0, pool.size());
  }

  @Test
  void demandIsKeptOnlyWhenItChanged() {
    WarmPool pool = pool(2, 8, 100_000);
    starts(pool, NODE_KIND, 1, refills);
    int saves = kept.saves.get();
    assertEquals(Map.of(NODE_KIND, List.of(clock.millis())), kept.starts);

    pool.tidy();
    pool.tidy();

    assertEquals(saves, kept.saves.get(), "nothing new to keep");
  }

  @Test
  void aClosedPoolThrowsItsSparesAwayAndHandsNoneOut() {
    WarmPool pool = pool(2, 8, 100_000);
    starts(pool, NODE_KIND, 2, refills);

    pool.close();

    assertEquals(2, spares.discarded.size());
    assertEquals(Optional.empty(), pool.claim(NODE_KIND));
  }

  @Test
  void aStartThatFindsNoSpareWaitsForTheOneBeingMadeInsteadOfCreatingItsOwn() throws Exception {
    ExecutorService threads = Executors.newCachedThreadPool();
    WarmPool pool = poolMakingASpare(Duration.ofMinutes(1), threads);
    Future<Optional<Spare>> waiter = threads.submit(() -> pool.claim(NODE_KIND));
    eventually(() -> pool.waiting() == 1, "the start waits for the spare being made");

    assertEquals(
        Optional.empty(), pool.claim(NODE_KIND), "a second start does not wait for the same spare");
    spares.release.countDown();

    Spare spare = waiter.get(10, SECONDS).orElseThrow();
    assertEquals("s1", spare.id());
    assertEquals(1, waits());
    assertEquals(1, metrics.get("pier.node.pool.claims").counter().count(), "a claim, not a miss");
    assertEquals(
        2, metrics.get("pier.node.pool.misses").counter().count(), "the first and the second");
    threads.shutdown();
    assertTrue(threads.awaitTermination(10, SECONDS));
    assertEquals(2, spares.made.get());
    assertEquals(
        "s2",
        pool.claim(NODE_KIND).orElseThrow().id(),
        "the refill went on: starts come faster than spares are made");
  }

  @Test
  void aStartWaitingForASpareThatCannotBeMadeCreatesItsOwn() throws Exception {
    ExecutorService threads = Executors.newCachedThreadPool();
    WarmPool pool = poolMakingASpare(Duration.ofMinutes(1), threads);
    Future<Optional<Spare>> waiter = threads.submit(() -> pool.claim(NODE_KIND));
    eventually(() -> pool.waiting() == 1, "the start waits for the spare being made");

    spares.failure = new IllegalStateException("no disk");
    spares.release.countDown();

    assertEquals(Optional.empty(), waiter.get(10, SECONDS));
    assertEquals(0, waits());
    threads.shutdown();
  }

  @Test
  void aStartThatGivesUpWaitingLeavesTheSpareToThePool() throws Exception {
    ExecutorService threads = Executors.newCachedThreadPool();
    WarmPool pool = poolMakingASpare(Duration.ofMillis(1), threads);

    assertEquals(Optional.empty(), pool.claim(NODE_KIND), "the making outlasts the patience");
    spares.release.countDown();
    threads.shutdown();
    assertTrue(threads.awaitTermination(10, SECONDS));

    assertEquals(1, pool.size(NODE_KIND), "the spare is kept, not lost");
    assertEquals("s1", pool.claim(NODE_KIND).orElseThrow().id());
  }

  @Test
  void aPoolOfSizeZeroMakesNothing() {
    WarmPool pool = pool(0, 8, 100_000);

    starts(pool, NODE_KIND, 3, refills);

    assertEquals(0, spares.made.get());
  }
}
