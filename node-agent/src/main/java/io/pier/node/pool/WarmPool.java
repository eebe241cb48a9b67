package io.pier.node.pool;

import io.pier.common.concurrent.DaemonThreads;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's spares, by kind: a start whose kind has one claims it instead of creating a sandbox, and the pool makes
 * another in the background. A spare is taken out of the pool by exactly one caller (claim, shrink or tidy), so it goes
 * to one repl at most, and it is never put back. Spares only take memory running repls leave: a start that needs
 * memory throws spares away first ({@link #makeRoom}). Sizes follow {@link PoolDemand}.
 */
public final class WarmPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WarmPool.class);

  /**
   * How long a start waits at most for a spare being made: making one takes about a second; this only guards against
   * an engine that hangs (the start then creates its own sandbox, and the spare goes to the pool when it is made).
   */
  private static final Duration SPARE_PATIENCE = Duration.ofSeconds(10);

  private final PoolSettings settings;
  private final SpareFactory factory;
  private final LongSupplier reservedMb;
  private final PoolDemand demand;
  private final Executor refills;
  private final PoolMeters meters;
  private final KeptDemand keptDemand;
  private final Map<PoolKey, Deque<Spare>> spares = new ConcurrentHashMap<>();
  private final SparesBeingMade beingMade;

  /** Kinds with a refill queued or running: at most one each, so the refill queue holds at most one task a kind. */
  private final Set<PoolKey> refilling = ConcurrentHashMap.newKeySet();

  /** Kinds a start took a spare of, or found none of, whose refill waits for that start's end ({@link #refillAfterStarts}). */
  private final Set<PoolKey> toRefillAfterStart = ConcurrentHashMap.newKeySet();

  private volatile boolean closed;

  /**
   * @param reservedMb what the repls running or starting on this node reserve, in MiB
   * @param refills    where spares are made and thrown away (blocking work, one at a time in production)
   */
  public WarmPool(
      PoolSettings settings,
      SpareFactory factory,
      LongSupplier reservedMb,
      Clock clock,
      Executor refills,
      PoolMeters meters,
      DemandStore demandStore) {
    this(settings, factory, reservedMb, clock, refills, meters, demandStore, SPARE_PATIENCE);
  }

  WarmPool(
      PoolSettings settings,
      SpareFactory factory,
      LongSupplier reservedMb,
      Clock clock,
      Executor refills,
      PoolMeters meters,
      DemandStore demandStore,
      Duration sparePatience) {
    this.beingMade = new SparesBeingMade(sparePatience);
    this.settings = settings;
    this.factory = factory;
    this.reservedMb = reservedMb;
    this.demand = new PoolDemand(Math.max(1, settings.perKey()), settings.window(), clock);
    this.refills = refills;
    this.meters = meters;
    this.keptDemand = new KeptDemand(demandStore, demand);
    meters.watch(this);
  }

  /**
   * The refill queue of a node's pool: one thread, so spares are made one at a time beside real starts, and room for
   * one refill of each kind {@link PoolDemand} remembers plus a tidy.
   */
  public static ExecutorService refillQueue() {
    return new ThreadPoolExecutor(
        1,
        1,
        0,
        TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(PoolDemand.MAX_KINDS + 1),
        DaemonThreads.named("pool-refill"));
  }

  public boolean enabled() {
    return settings.enabled();
  }

  /**
   * Takes a spare of the kind for one repl, if there is one, counting the start as demand. With none ready but one of
   * the kind being made, waits for that one, unless another start does ({@link SparesBeingMade}). The spare is the
   * caller's alone: nothing else can take it any more. The kind is refilled at {@link #refillAfterStarts}, once the start
   * is over, whether it took a spare or found none. Blocking: call off the event loop.
   */
  public Optional<Spare> claim(PoolKey key) {
    if (!enabled() || closed) return Optional.empty();
    demand.started(key);
    Deque<Spare> ready = spares.get(key);
    Spare spare = ready == null ? null : ready.pollFirst();
    if (spare == null) {
      long began = System.nanoTime();
      Optional<Spare> made = beingMade.await(key);
      if (made.isPresent()) {
        meters.waited(Duration.ofNanos(System.nanoTime() - began));
        spare = made.get();
      }
    }
    if (spare == null) meters.missed();
    else meters.claimed();
    toRefillAfterStart.add(key);
    return Optional.ofNullable(spare);
  }

  /**
   * Takes up the demand an earlier agent of this node kept ({@link DemandStore}) and queues a refill of each kind
   * started in the window: a restarted node makes the spares it held before instead of letting starts miss first.
   */
  public void resume() {
    if (!enabled() || closed) return;
    for (PoolKey key : keptDemand.takeUp()) {
      LOG.info("refilling {} as before the restart", key.image());
      refillSoon(key);
    }
  }

  /** Starts waiting for a spare being made now. */
  public int waiting() {
    return beingMade.waiting();
  }

  /**
   * Refills the kinds starts took spares of, or found none of, since the last call. Called when a start is over:
   * making a spare (a container created and started, a shell in it) takes a core's worth of dockerd, containerd and
   * runc for most of a second; done at once it took it from the app booting in the spare just claimed (bench/run.sh
   * warm-start: first answer p50 314 ms with the refill at once, 236 ms with it after the start), and from the
   * container a start that missed creates for itself.
   */
  public void refillAfterStarts() {
    for (PoolKey key : toRefillAfterStart) {
      toRefillAfterStart.remove(key);
      refillSoon(key);
    }
  }

  /**
   * Throws spares away until the repls running and starting here (the reservation of a start that needs memory
   * included) and the spares fit the node's memory. Blocking: call off the event loop.
   */
  public void makeRoom() {
    while (reservedMb.getAsLong() + pooledMemoryMb() > settings.capacityMb()) {
      Spare spare = takeAny();
      if (spare == null) return;
      LOG.info("memory needed for a repl: throwing away spare {}", spare.id());
      discard(spare);
      meters.shrunk();
    }
  }

  /** Queues a {@link #tidy}, unless the queue is full (then the next one tidies). */
  public void tidySoon() {
    try {
      refills.execute(this::tidy);
    } catch (RejectedExecutionException e) {
      // a full queue: the next tidy does it
    }
  }

  /** Throws away spares beyond what recent demand asks for, and keeps that demand. Blocking: call off the event loop. */
  public void tidy() {
    keptDemand.save();
    for (Map.Entry<PoolKey, Deque<Spare>> kind : spares.entrySet()) {
      int target = demand.target(kind.getKey());
      while (kind.getValue().size() > target) {
        Spare spare = kind.getValue().pollLast();
        if (spare == null) break;
        discard(spare);
        meters.shrunk();
      }
    }
  }

  /** The spares' memory limits added up: what the pool holds of the node's memory. */
  public long pooledMemoryMb() {
    long mb = 0;
    for (Deque<Spare> kind : spares.values()) {
      for (Spare s : kind) mb += s.key().limits().memoryMb();
    }
    return mb;
  }

  /** How many spares the node holds. */
  public int size() {
    int n = 0;
    for (Deque<Spare> kind : spares.values()) n += kind.size();
    return n;
  }

  /** How many spares of the kind the node holds. */
  public int size(PoolKey key) {
    Deque<Spare> kind = spares.get(key);
    return kind == null ? 0 : kind.size();
  }

  /** Makes spares of the kind until demand, the node's total or its memory says stop. Blocking. */
  void refill(PoolKey key) {
    try {
      while (!closed
          && size(key) < demand.target(key)
          && size() < settings.total()
          && fits(key.limits().memoryMb())) {
        Spare spare;
        SparesBeingMade.Making making = beingMade.begin(key);
        try {
          spare = factory.make(key);
        } catch (RuntimeException e) {
          beingMade.failed(making, e);
          meters.refillFailed();
          LOG.warn("cannot make a spare of {}: {}", key.image(), e.getMessage());
          return;
        }
        meters.refilled();
        // A start that waited for it takes it; the refill goes on at once all the same: starts
        // come faster than spares are made, and stopping here until that start is over left the
        // pool empty for every start of a burst (bench/skeleton.py, p50 934 ms against 512).
        if (beingMade.made(making, spare)) continue;
        spares.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>()).addLast(spare);
        if (closed) discardAll();
      }
    } finally {
      refilling.remove(key);
      // Each refill follows a start's end: the start is new demand, kept for the next agent.
      keptDemand.save();
    }
  }

  private void refillSoon(PoolKey key) {
    if (!refilling.add(key)) return;
    try {
      refills.execute(() -> refill(key));
    } catch (RejectedExecutionException e) {
      refilling.remove(key);
      meters.refillFailed();
    }
  }

  private boolean fits(long mb) {
    return reservedMb.getAsLong() + pooledMemoryMb() + mb <= settings.capacityMb();
  }

  /** A spare of the kind with the least demand, taken out of the pool; null when there is none. */
  private Spare takeAny() {
    List<Map.Entry<PoolKey, Deque<Spare>>> kinds = new ArrayList<>(spares.entrySet());
    kinds.sort((a, b) -> Integer.compare(demand.target(a.getKey()), demand.target(b.getKey())));
    for (Map.Entry<PoolKey, Deque<Spare>> kind : kinds) {
      Spare spare = kind.getValue().pollLast();
      if (spare != null) return spare;
    }
    return null;
  }

  private void discard(Spare spare) {
    try {
      factory.discard(spare);
    } catch (RuntimeException e) {
      LOG.warn("cannot remove spare {}: {}", spare.id(), e.getMessage());
    }
  }

  private void discardAll() {
    for (Deque<Spare> kind : spares.values()) {
      for (Spare spare = kind.pollFirst(); spare != null; spare = kind.pollFirst()) discard(spare);
    }
  }

  /** Throws every spare away; spares a refill makes afterwards go too. Blocking. */
  @Override
  public void close() {
    closed = true;
    keptDemand.save();
    discardAll();
  }
}
