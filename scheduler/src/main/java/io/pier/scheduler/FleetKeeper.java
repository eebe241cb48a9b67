package io.pier.scheduler;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pier.common.cluster.ClusterState;
import io.pier.common.node.NodeInfo;
import io.pier.common.repl.Lifetime;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.scheduler.placement.NodeRoom;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every scheduler does every second, safely side by side with the others (all changes are compare-and-set in
 * the registry): starts elsewhere the repls of nodes that left, stops idle repls, tidies reservations, and computes
 * the fleet signal, running the scale-out command when more nodes are needed.
 */
public final class FleetKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(FleetKeeper.class);
  private static final Duration FAILURE_MEMORY = Duration.ofMinutes(2);

  /** Longer than a start may take (the node-agent's own limits: restore, image, app) with a wide margin. */
  private static final Duration STUCK_AFTER = Duration.ofMinutes(10);

  /**
   * @param idleStop         a repl unused this long is stopped; zero turns idle stop off
   * @param scaleOutCommand  run with {@code /bin/sh -c} when the fleet wants more nodes; null for none
   * @param scaleOutCooldown at most one scale-out command this often, across all schedulers
   */
  public record Settings(
      Duration interval,
      Duration idleStop,
      double targetUtilisation,
      String scaleOutCommand,
      Duration scaleOutCooldown,
      Duration nodeStaleAfter) {}

  private final Vertx vertx;
  private final ClusterState cluster;
  private final ReplService repls;
  private final NodeRoom room;
  private final Settings settings;
  private final Clock clock;
  private final Set<String> acting = ConcurrentHashMap.newKeySet();
  private final LostRepls lostRepls;
  private final ScaleOutCommand scaleOut;
  private final AtomicReference<FleetSignal> signal = new AtomicReference<>();
  private final Map<ReplState, AtomicInteger> byState = new EnumMap<>(ReplState.class);
  private long timer = -1;
  private boolean ticking;

  public FleetKeeper(
      Vertx vertx,
      ClusterState cluster,
      ReplService repls,
      NodeRoom room,
      Settings settings,
      Clock clock,
      MeterRegistry metrics) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.repls = repls;
    this.room = room;
    this.settings = settings;
    this.clock = clock;
    this.lostRepls = new LostRepls(cluster);
    this.scaleOut = new ScaleOutCommand(vertx, cluster, settings);
    Gauge.builder(
            "pier.fleet.utilisation", signal, s -> s.get() == null ? 0 : s.get().utilisation())
        .description("Fleet utilisation (see FleetSignal.RULE)")
        .register(metrics);
    Gauge.builder(
            "pier.fleet.nodes.desired", signal, s -> s.get() == null ? 0 : s.get().desiredNodes())
        .register(metrics);
    Gauge.builder(
            "pier.fleet.nodes.active", signal, s -> s.get() == null ? 0 : s.get().activeNodes())
        .register(metrics);
    for (ReplState state : ReplState.values()) {
      var count = new AtomicInteger();
      byState.put(state, count);
      Gauge.builder("pier.repls", count, AtomicInteger::get)
          .tag("state", state.wire())
          .description("Repls in the registry by state")
          .register(metrics);
    }
  }

  public void start() {
    timer = vertx.setPeriodic(settings.interval().toMillis(), t -> tick());
  }

  public void stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
  }

  /** The fleet as of now (computed on demand, so the API never shows a stale figure). */
  public Future<FleetSignal> signal() {
    return cluster
        .nodes()
        .values()
        .map(all -> compute(all.stream().filter(cluster::isAlive).toList()));
  }

  /** One round; rounds never overlap. Visible for tests. */
  Future<Void> tick() {
    if (ticking) return Future.succeededFuture();
    ticking = true;
    return room.tidy()
        .transform(v -> cluster.nodes().entries())
        .compose(
            nodes ->
                cluster
                    .repls()
                    .values()
                    .compose(
                        all ->
                            cluster
                                .activity()
                                .entries()
                                .compose(
                                    activity ->
                                        lostRepls
                                            .find(all, nodes)
                                            .map(
                                                lost -> {
                                                  actOn(all, nodes, activity, lost);
                                                  return (Void) null;
                                                }))))
        .onFailure(err -> LOG.warn("fleet round failed: {}", err.getMessage()))
        .eventually(
            () -> {
              ticking = false;
              return Future.succeededFuture();
            });
  }

  /**
   * The round's actions. A lost repl is only started elsewhere: this round's record of it is out of date once it
   * moves, and stopping it as idle or ended from that record would stop the repl that was just started again.
   */
  private void actOn(
      List<ReplRecord> all,
      Map<String, NodeInfo> nodes,
      Map<String, ClusterState.Activity> activity,
      List<ReplRecord> lost) {
    lost.forEach(this::startElsewhere);
    countByState(all);
    Set<String> lostSlugs = new HashSet<>();
    for (ReplRecord r : lost) lostSlugs.add(r.slug());
    List<ReplRecord> staying = all.stream().filter(r -> !lostSlugs.contains(r.slug())).toList();
    settleStuck(staying);
    stopIdle(staying, activity);
    endExpired(staying);
    forgetActivityOfDeleted(all, activity.keySet());
    FleetSignal now = compute(nodes.values().stream().filter(cluster::isAlive).toList());
    signal.set(now);
    if (now.scaleOut()) scaleOut.run(now);
  }

  /** A repl deleted while a preview or session still reported use would otherwise leave its entry for ever. */
  private void forgetActivityOfDeleted(List<ReplRecord> all, Set<String> used) {
    Set<String> known = new HashSet<>();
    for (ReplRecord r : all) known.add(r.slug());
    for (String slug : used) {
      if (!known.contains(slug)) cluster.activity().remove(slug);
    }
  }

  private void countByState(List<ReplRecord> all) {
    Map<ReplState, Integer> counts = new EnumMap<>(ReplState.class);
    for (ReplRecord r : all) counts.merge(r.state(), 1, Integer::sum);
    byState.forEach((state, gauge) -> gauge.set(counts.getOrDefault(state, 0)));
  }

  private FleetSignal compute(List<NodeInfo> nodes) {
    boolean recentFailure =
        repls.lastPlacementFailure().plus(FAILURE_MEMORY).isAfter(clock.instant());
    return FleetSignal.compute(
        nodes,
        clock.instant(),
        settings.nodeStaleAfter(),
        settings.targetUtilisation(),
        recentFailure);
  }

  /**
   * A transition that has lasted far longer than any start or stop may was left behind by a scheduler that died;
   * every later call would wait on it forever.
   */
  private void settleStuck(List<ReplRecord> all) {
    Instant cutoff = clock.instant().minus(STUCK_AFTER);
    for (ReplRecord r : all) {
      if (r.state().isBusy() && r.lastActiveAt().isBefore(cutoff)) {
        act(
            r.slug(),
            r.slug()
                + " has been "
                + r.state().wire()
                + " since "
                + r.lastActiveAt()
                + "; settling it",
            () ->
                repls.settle(r.slug(), r.state()).map(settled -> "now " + settled.state().wire()));
      }
    }
  }

  /** A repl whose node left the cluster runs nowhere: start it again on another node, from storage. */
  private void startElsewhere(ReplRecord r) {
    act(
        r.slug(),
        "node " + r.nodeId() + " is gone; starting " + r.slug() + " elsewhere",
        () -> repls.start(r.slug()).map(started -> "now on " + started.nodeId()));
  }

  private void stopIdle(List<ReplRecord> all, Map<String, ClusterState.Activity> activity) {
    if (settings.idleStop().isZero()) return;
    Instant cutoff = clock.instant().minus(settings.idleStop());
    for (ReplRecord r : all) {
      if (r.state() != ReplState.RUNNING) continue;
      // A repl given a lifetime (a program's, an E2B sandbox's timeout) runs until it ends, used or
      // not: its owner said how long.
      if (r.lifetime() != null) continue;
      ClusterState.Activity last = activity.get(r.slug());
      Instant lastUse =
          last == null || last.at().isBefore(r.lastActiveAt()) ? r.lastActiveAt() : last.at();
      if (lastUse.isBefore(cutoff)) {
        act(
            r.slug(),
            r.slug() + " unused since " + lastUse + "; stopping it",
            () -> repls.stop(r.slug()).map("stopped"));
      }
    }
  }

  /** Repls past their lifetime ({@link Lifetime}) are stopped, or deleted when their owner asked for that. */
  private void endExpired(List<ReplRecord> all) {
    Instant now = clock.instant();
    for (ReplRecord r : all) {
      Lifetime lifetime = r.lifetime();
      if (lifetime == null || !lifetime.expired(r, now)) continue;
      if (lifetime.onTimeout() == Lifetime.OnTimeout.DELETE
          && (r.state() == ReplState.RUNNING || r.state() == ReplState.STOPPED)) {
        act(
            r.slug(),
            r.slug() + " reached its timeout; deleting it",
            () -> repls.delete(r.slug()).map("deleted"));
      } else if (r.state() == ReplState.RUNNING) {
        act(
            r.slug(),
            r.slug() + " reached its timeout; stopping it",
            () -> repls.stop(r.slug()).map("stopped"));
      }
    }
  }

  /** Starts {@code action} unless an earlier round's action on the same repl is still under way. */
  private void act(String slug, String why, Supplier<Future<String>> action) {
    if (!acting.add(slug)) return;
    LOG.info(why);
    action
        .get()
        .onComplete(
            done -> {
              acting.remove(slug);
              if (done.succeeded()) {
                LOG.info("{}: {}", slug, done.result());
              } else {
                LOG.warn("{}: {}", slug, done.cause().getMessage());
              }
            });
  }
}
