package io.pier.scheduler;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pier.common.http.ApiException;
import io.pier.common.node.NodeInfo;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.common.template.TemplateCatalog;
import io.pier.common.template.TemplateManifest;
import io.pier.scheduler.ReplService.Quotas;
import io.pier.scheduler.node.NodeClient;
import io.pier.scheduler.placement.NodeRoom;
import io.pier.scheduler.placement.Placement;
import io.pier.scheduler.placement.PlacementRequest;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * Starting a repl: room reserved on a node chosen by placement, the repl claimed (starting), the node asked; the cap
 * on running repls per account checked after the claim, so that it holds under concurrent starts.
 */
public final class ReplStarter {
  private static final int RESERVE_ATTEMPTS = 4;

  private final ReplRegistry registry;
  private final TemplateCatalog templates;
  private final Placement placement;
  private final NodeClient nodes;
  private final NodeRoom room;
  private final Clock clock;
  private final Quotas quotas;
  private final Timer startTimer;
  private final Counter placementFailures;
  private final Counter placements;
  private final Counter capRefusals;
  private volatile Instant lastPlacementFailure = Instant.EPOCH;

  public ReplStarter(
      ReplRegistry registry,
      TemplateCatalog templates,
      Placement placement,
      NodeClient nodes,
      NodeRoom room,
      Clock clock,
      Quotas quotas,
      MeterRegistry metrics) {
    this.registry = registry;
    this.templates = templates;
    this.placement = placement;
    this.nodes = nodes;
    this.room = room;
    this.clock = clock;
    this.quotas = quotas;
    this.startTimer =
        Timer.builder("pier.repl.start")
            .description("Time from a start request to a running repl")
            .publishPercentileHistogram()
            .register(metrics);
    this.placementFailures = Counter.builder("pier.placement.failures").register(metrics);
    this.placements =
        Counter.builder("pier.placements").description("Repls placed on a node").register(metrics);
    this.capRefusals = ReplService.capRefusals(metrics);
  }

  /** See {@link ReplService#start(String, boolean)}. */
  Future<ReplRecord> start(String slug, boolean capped) {
    long began = System.nanoTime();
    return start(slug, registry.deadline(), capped)
        .onSuccess(r -> startTimer.record(Duration.ofNanos(System.nanoTime() - began)));
  }

  /** When placement last found no node; the fleet signal asks for more nodes for a while after. */
  Instant lastPlacementFailure() {
    return lastPlacementFailure;
  }

  private static boolean runningOrStarting(ReplRecord r) {
    return r.state() == ReplState.RUNNING || r.state() == ReplState.STARTING;
  }

  private ApiException runningLimit(String owner) {
    capRefusals.increment();
    return new ApiException(
        429,
        "running_limit",
        owner
            + " already runs "
            + quotas.maxRunning()
            + " repls, the most an account may run at once here; stop one first");
  }

  private Future<ReplRecord> start(String slug, long deadline, boolean capped) {
    return registry
        .get(slug)
        .compose(
            record -> {
              if (record.state().isBusy()) {
                return registry
                    .afterBusy(slug, deadline)
                    .compose(r -> start(slug, deadline, capped));
              }
              if (record.state() == ReplState.RUNNING) {
                // A route on a live node is the proof that it runs: a node-agent that restarted or
                // died has none that counts,
                // and the repl must start again.
                return registry
                    .runsOnLiveNode(slug)
                    .compose(
                        runs ->
                            runs
                                ? Future.succeededFuture(record)
                                : registry
                                    .revert(slug, record.state(), ReplState.STOPPED)
                                    .compose(r -> start(slug, deadline, capped)));
              }
              TemplateManifest manifest = templates.find(record.template()).orElse(null);
              if (manifest == null) {
                return Future.failedFuture(
                    ApiException.conflict(
                        "unknown_template",
                        "the repl's template '" + record.template() + "' is no longer offered"));
              }
              // A cheap refusal before placement; the count after the claim below is the one that
              // holds under concurrency.
              Future<Void> roomLeft =
                  !capped
                      ? Future.succeededFuture()
                      : registry
                          .count(record.owner(), ReplStarter::runningOrStarting)
                          .compose(
                              n ->
                                  n < quotas.maxRunning()
                                      ? Future.succeededFuture()
                                      : Future.failedFuture(runningLimit(record.owner())));
              PlacementRequest request =
                  new PlacementRequest(slug, record.limits(), manifest.image());
              return roomLeft
                  .compose(ok -> placeAndReserve(request, Set.of(), RESERVE_ATTEMPTS))
                  .compose(
                      node ->
                          registry
                              .transition(slug, record.state(), ReplState.STARTING, node.nodeId())
                              .compose(
                                  claimed -> {
                                    if (!claimed)
                                      return room.release(node.nodeId(), slug)
                                          .compose(v -> start(slug, deadline, capped));
                                    return !capped
                                        ? startOn(node, record, manifest, slug)
                                        : registry
                                            .count(record.owner(), ReplStarter::runningOrStarting)
                                            .compose(
                                                n -> {
                                                  if (n <= quotas.maxRunning())
                                                    return startOn(node, record, manifest, slug);
                                                  // Concurrent starts all counted each other: this
                                                  // one backs off, and its room goes back.
                                                  return room.release(node.nodeId(), slug)
                                                      .compose(
                                                          v ->
                                                              registry.revert(
                                                                  slug,
                                                                  ReplState.STARTING,
                                                                  record.state()))
                                                      .transform(
                                                          v ->
                                                              Future.failedFuture(
                                                                  runningLimit(record.owner())));
                                                });
                                  }));
            });
  }

  /** Asks the node, on which room is reserved and the repl claimed (starting), to start it. */
  private Future<ReplRecord> startOn(
      NodeInfo node, ReplRecord record, TemplateManifest manifest, String slug) {
    StartRequest startRequest =
        new StartRequest(
            slug,
            manifest.image(),
            manifest.runCommand(),
            manifest.port(),
            record.limits(),
            manifest.open());
    return nodes
        .start(node, startRequest)
        .compose(route -> registry.finish(slug, ReplState.RUNNING, node.nodeId()))
        .recover(
            err ->
                room.release(node.nodeId(), slug)
                    .transform(v -> registry.finish(slug, ReplState.FAILED, null))
                    .transform(ignored -> Future.failedFuture(err)));
  }

  /**
   * Chooses a node and takes room on it. A node whose room another start took in the meantime is left out and the
   * choice made again.
   */
  private Future<NodeInfo> placeAndReserve(
      PlacementRequest request, Set<String> excluded, int attempts) {
    return room.candidates()
        .compose(
            all -> {
              Placement.Decision decision = placement.place(all, request, excluded);
              if (decision.node().isEmpty()) {
                placementFailures.increment();
                lastPlacementFailure = clock.instant();
                return Future.failedFuture(
                    ApiException.unavailable(
                        "no_capacity",
                        "cannot start " + request.slug() + ": " + decision.explain()));
              }
              NodeInfo node = decision.node().get();
              return room.reserve(node.nodeId(), request.slug(), request.limits().memoryMb())
                  .compose(
                      reserved -> {
                        if (reserved) {
                          placements.increment();
                          return Future.succeededFuture(node);
                        }
                        if (attempts <= 1) {
                          return Future.failedFuture(
                              ApiException.unavailable(
                                  "no_capacity",
                                  "cannot start "
                                      + request.slug()
                                      + ": every node chosen filled up meanwhile; try again"));
                        }
                        Set<String> more = new HashSet<>(excluded);
                        more.add(node.nodeId());
                        return placeAndReserve(request, more, attempts - 1);
                      });
            });
  }
}
