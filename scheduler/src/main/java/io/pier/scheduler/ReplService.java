package io.pier.scheduler;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pier.common.cluster.ClusterState;
import io.pier.common.http.ApiException;
import io.pier.common.node.NodeInfo;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.common.repl.Slugs;
import io.pier.common.repl.Visibility;
import io.pier.common.store.ObjectStore;
import io.pier.common.store.StorageLayout;
import io.pier.common.template.TemplateManifest;
import io.pier.common.template.TemplateCatalog;
import io.pier.scheduler.node.NodeClient;
import io.pier.scheduler.placement.NodeRoom;
import io.pier.scheduler.placement.Placement;
import io.pier.scheduler.placement.PlacementRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repl lifecycle: create from a template, start on a node chosen by placement, stop, delete. The only writer of
 * the repl registry. Transitions are compare-and-set on the registry, so several schedulers can serve at once.
 */
public final class ReplService {
  private static final Logger LOG = LoggerFactory.getLogger(ReplService.class);
  private static final long BUSY_POLL_MS = 200;

  private final Vertx vertx;
  private final ClusterState cluster;
  private final ObjectStore store;
  private final TemplateCatalog templates;
  private final Placement placement;
  private final NodeClient nodes;
  private final Slugs slugs;
  private final Clock clock;
  private final Duration busyWait;
  private final Timer startTimer;
  private final Counter placementFailures;
  private final Counter placements;
  private final NodeRoom room;
  private volatile java.time.Instant lastPlacementFailure = java.time.Instant.EPOCH;
  private static final int RESERVE_ATTEMPTS = 4;
  private final Quotas quotas;
  private final Counter capRefusals;

  /**
   * How much one account may take, so that it cannot fill the fleet (or make the fleet signal ask for nodes in a
   * loop): repls it has, and repls of it running or starting at once. Checked on calls that say they are capped: a
   * user's own, and a preview waking a repl; not an administrator's, nor the scheduler's own moves (failover, drain).
   */
  public record Quotas(int maxRepls, int maxRunning) {
    public static final Quotas NONE = new Quotas(Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  public ReplService(Vertx vertx, ClusterState cluster, ObjectStore store, TemplateCatalog templates,
                     Placement placement, NodeClient nodes, Slugs slugs, Clock clock, Duration busyWait,
                     MeterRegistry metrics) {
    this(vertx, cluster, store, templates, placement, nodes, slugs, clock, busyWait, metrics, Quotas.NONE);
  }

  public ReplService(Vertx vertx, ClusterState cluster, ObjectStore store, TemplateCatalog templates,
                     Placement placement, NodeClient nodes, Slugs slugs, Clock clock, Duration busyWait,
                     MeterRegistry metrics, Quotas quotas) {
    this.quotas = quotas;
    this.capRefusals = Counter.builder("pier.repl.cap.refusals")
        .description("Creates and starts refused because the account is at its cap").register(metrics);
    this.vertx = vertx;
    this.cluster = cluster;
    this.store = store;
    this.templates = templates;
    this.placement = placement;
    this.nodes = nodes;
    this.slugs = slugs;
    this.clock = clock;
    this.busyWait = busyWait;
    this.startTimer = Timer.builder("pier.repl.start").description("Time from a start request to a running repl")
        .publishPercentileHistogram().register(metrics);
    this.placementFailures = Counter.builder("pier.placement.failures").register(metrics);
    this.placements = Counter.builder("pier.placements").description("Repls placed on a node").register(metrics);
    this.room = new NodeRoom(cluster, clock);
  }

  /** Creates a stopped repl with a public preview whose files are a copy of the template's. */
  public Future<ReplRecord> create(String template, String owner) {
    return create(template, owner, Visibility.PUBLIC);
  }

  /** Creates a stopped repl whose files are a copy of the template's; no cap applies. */
  public Future<ReplRecord> create(String template, String owner, Visibility visibility) {
    return create(template, owner, visibility, false);
  }

  /**
   * Creates a stopped repl whose files are a copy of the template's.
   *
   * @param capped refuse with {@code 429 repl_limit} when the owner would have more than {@link Quotas#maxRepls}
   */
  public Future<ReplRecord> create(String template, String owner, Visibility visibility, boolean capped) {
    Optional<TemplateManifest> found = templates.find(template);
    if (found.isEmpty()) {
      return Future.failedFuture(ApiException.badRequest("unknown_template", "no template named '" + template
          + "'; known: " + templates.all().stream().map(TemplateManifest::name).toList()));
    }
    TemplateManifest manifest = found.get();
    String slug = slugs.next();
    ReplRecord creating = new ReplRecord(slug, manifest.name(), owner, ReplState.CREATING, null, clock.instant(),
        clock.instant(), manifest.limits(), visibility);
    return cluster.repls().putIfAbsent(slug, creating).compose(fresh -> {
      if (!fresh) return create(template, owner, visibility, capped);
      // Counted after the new repl is in the registry, so that concurrent creates all see each other: at most the
      // cap succeed, whatever the timing.
      Future<Void> withinCap = !capped ? Future.succeededFuture()
          : count(owner, r -> true).compose(n -> {
            if (n <= quotas.maxRepls()) return Future.succeededFuture();
            capRefusals.increment();
            return cluster.repls().remove(slug).transform(v -> Future.failedFuture(new ApiException(429, "repl_limit",
                owner + " has " + (n - 1) + " repls, the most an account may have here is " + quotas.maxRepls()
                    + "; delete one first")));
          });
      return withinCap.compose(ok -> blocking(() -> {
        String from = StorageLayout.template(manifest.name());
        for (ObjectStore.ObjectInfo object : store.list(from)) {
          String relative = object.key().substring(from.length());
          if (!relative.equals(TemplateManifest.FILE_NAME)) {
            store.copy(object.key(), StorageLayout.replFiles(slug) + relative);
          }
        }
        ReplRecord stopped = creating.withState(ReplState.STOPPED, null, clock.instant());
        persist(stopped);
        return stopped;
      }).compose(stopped -> cluster.repls().put(slug, stopped).map(stopped))
          .onSuccess(r -> LOG.info("created {} from template {}", slug, template))
          .onFailure(err -> cluster.repls().remove(slug)));
    });
  }

  /** How many repls of {@code owner} the registry holds that {@code which} accepts. */
  private Future<Integer> count(String owner, java.util.function.Predicate<ReplRecord> which) {
    return cluster.repls().values().map(all -> (int) all.stream()
        .filter(r -> owner.equals(r.owner()) && which.test(r)).count());
  }

  private static boolean runningOrStarting(ReplRecord r) {
    return r.state() == ReplState.RUNNING || r.state() == ReplState.STARTING;
  }

  public Future<List<ReplRecord>> list() {
    return cluster.repls().values().map(all -> all.stream()
        .sorted(Comparator.comparing(ReplRecord::createdAt).reversed()).toList());
  }

  public Future<ReplRecord> get(String slug) {
    return cluster.repls().get(slug).compose(r -> r == null
        ? Future.failedFuture(ApiException.notFound("unknown_repl", "no repl named '" + slug + "'"))
        : Future.succeededFuture(r));
  }

  /**
   * Makes the repl's preview public or private, in the registry (which edge-proxies read on every preview request,
   * so it holds at once) and in {@code repl.json} (so it survives a rebuild of the registry). Whether it runs does not
   * matter; only a repl still being created is refused, as its creation would write the old value back.
   */
  public Future<ReplRecord> setVisibility(String slug, Visibility visibility) {
    return cluster.repls().update(slug, current -> {
      if (current == null) throw ApiException.notFound("unknown_repl", "no repl named '" + slug + "'");
      if (current.state() == ReplState.CREATING) throw ApiException.conflict("busy", slug + " is still being created");
      return current.visibility() == visibility ? null : current.withVisibility(visibility);
    }).compose(r -> blocking(() -> {
      persist(r);
      return r;
    })).onSuccess(r -> LOG.info("{} is now {}", slug, visibility.wire()));
  }

  /** Starts the repl if it is not running; completes when it runs. No cap applies (failover, drain). */
  public Future<ReplRecord> start(String slug) {
    return start(slug, false);
  }

  /**
   * Starts the repl if it is not running; completes when it runs.
   *
   * @param capped refuse with {@code 429 running_limit} when more than {@link Quotas#maxRunning} repls of its owner
   *               would run or be starting
   */
  public Future<ReplRecord> start(String slug, boolean capped) {
    long began = System.nanoTime();
    return start(slug, deadline(), capped)
        .onSuccess(r -> startTimer.record(Duration.ofNanos(System.nanoTime() - began)));
  }

  private Future<ReplRecord> start(String slug, long deadline) {
    return start(slug, deadline, false);
  }

  private ApiException runningLimit(String owner) {
    capRefusals.increment();
    return new ApiException(429, "running_limit", owner + " already runs " + quotas.maxRunning()
        + " repls, the most an account may run at once here; stop one first");
  }

  private Future<ReplRecord> start(String slug, long deadline, boolean capped) {
    return get(slug).compose(record -> {
      if (record.state().isBusy()) return afterBusy(slug, deadline).compose(r -> start(slug, deadline, capped));
      if (record.state() == ReplState.RUNNING) {
        // A route on a live node is the proof that it runs: a node-agent that restarted or died has none that counts,
        // and the repl must start again.
        return runsOnLiveNode(slug).compose(runs -> runs
            ? Future.succeededFuture(record)
            : markStopped(slug, record).compose(r -> start(slug, deadline, capped)));
      }
      TemplateManifest manifest = templates.find(record.template()).orElse(null);
      if (manifest == null) {
        return Future.failedFuture(ApiException.conflict("unknown_template",
            "the repl's template '" + record.template() + "' is no longer offered"));
      }
      // A cheap refusal before placement; the count after the claim below is the one that holds under concurrency.
      Future<Void> roomLeft = !capped ? Future.succeededFuture()
          : count(record.owner(), ReplService::runningOrStarting).compose(n -> n < quotas.maxRunning()
              ? Future.succeededFuture() : Future.failedFuture(runningLimit(record.owner())));
      PlacementRequest request = new PlacementRequest(slug, record.limits(), manifest.image());
      return roomLeft.compose(ok -> placeAndReserve(request, java.util.Set.of(), RESERVE_ATTEMPTS)).compose(node ->
          transition(slug, record.state(), ReplState.STARTING, node.nodeId()).compose(claimed -> {
            if (!claimed) return room.release(node.nodeId(), slug).compose(v -> start(slug, deadline, capped));
            return !capped ? startOn(node, record, manifest, slug)
                : count(record.owner(), ReplService::runningOrStarting).compose(n -> {
                  if (n <= quotas.maxRunning()) return startOn(node, record, manifest, slug);
                  // Concurrent starts all counted each other: this one backs off, and its room goes back.
                  return room.release(node.nodeId(), slug)
                      .compose(v -> cluster.repls().update(slug, current -> current != null
                          && current.state() == ReplState.STARTING
                          ? current.withState(record.state(), null, current.lastActiveAt()) : null))
                      .transform(v -> Future.failedFuture(runningLimit(record.owner())));
                });
          }));
    });
  }

  /** Asks the node, on which room is reserved and the repl claimed (starting), to start it. */
  private Future<ReplRecord> startOn(NodeInfo node, ReplRecord record, TemplateManifest manifest, String slug) {
    StartRequest startRequest = new StartRequest(slug, manifest.image(), manifest.runCommand(), manifest.port(),
        record.limits(), manifest.open());
    return nodes.start(node, startRequest)
        .compose(route -> finish(slug, ReplState.RUNNING, node.nodeId()))
        .recover(err -> room.release(node.nodeId(), slug)
            .transform(v -> finish(slug, ReplState.FAILED, null))
            .transform(ignored -> Future.failedFuture(err)));
  }

  /**
   * Chooses a node and takes room on it. A node whose room another start took in the meantime is left out and the
   * choice made again.
   */
  private Future<NodeInfo> placeAndReserve(PlacementRequest request, java.util.Set<String> excluded, int attempts) {
    return room.candidates().compose(all -> {
      List<NodeInfo> candidates = all.stream().filter(n -> !excluded.contains(n.nodeId())).toList();
      Placement.Decision decision = placement.place(candidates, request);
      if (decision.node().isEmpty()) {
        placementFailures.increment();
        lastPlacementFailure = clock.instant();
        return Future.failedFuture(ApiException.unavailable("no_capacity",
            "cannot start " + request.slug() + ": " + decision.explain()));
      }
      NodeInfo node = decision.node().get();
      return room.reserve(node.nodeId(), request.slug(), request.limits().memoryMb()).compose(reserved -> {
        if (reserved) {
          placements.increment();
          return Future.succeededFuture(node);
        }
        if (attempts <= 1) {
          return Future.failedFuture(ApiException.unavailable("no_capacity",
              "cannot start " + request.slug() + ": every node chosen filled up meanwhile; try again"));
        }
        java.util.Set<String> more = new java.util.HashSet<>(excluded);
        more.add(node.nodeId());
        return placeAndReserve(request, more, attempts - 1);
      });
    });
  }

  /**
   * Settles a repl left in a transition by a scheduler that died in the middle of it: running if a live node has
   * its route, stopped otherwise.
   */
  public Future<ReplRecord> settle(String slug, ReplState stuckIn) {
    return runsOnLiveNode(slug).compose(runs -> cluster.repls().update(slug, current ->
        current == null || current.state() != stuckIn ? null
            : current.withState(runs ? ReplState.RUNNING : ReplState.STOPPED, runs ? current.nodeId() : null,
                clock.instant())));
  }

  /** When placement last found no node; the fleet signal asks for more nodes for a while after. */
  public java.time.Instant lastPlacementFailure() {
    return lastPlacementFailure;
  }

  /** Stops the repl if it runs; completes when its files are flushed and its container is gone. */
  public Future<ReplRecord> stop(String slug) {
    return stopReporting(slug).map(Stopped::repl);
  }

  /** A stopped repl and the workspace paths its node could not store. */
  public record Stopped(ReplRecord repl, List<NodeClient.Unsaved> unsaved) {
  }

  /** {@link #stop}, with what could not be stored. */
  public Future<Stopped> stopReporting(String slug) {
    return stop(slug, deadline());
  }

  private Future<Stopped> stop(String slug, long deadline) {
    return get(slug).compose(record -> {
      if (record.state().isBusy()) return afterBusy(slug, deadline).compose(r -> stop(slug, deadline));
      if (record.state() == ReplState.STOPPED) return Future.succeededFuture(new Stopped(record, List.of()));
      return transition(slug, record.state(), ReplState.STOPPING, record.nodeId()).compose(claimed -> {
        if (!claimed) return stop(slug, deadline);
        Future<NodeInfo> node = record.nodeId() == null ? Future.succeededFuture() : cluster.nodes().get(record.nodeId());
        // A node whose member left the cluster cannot be asked; its entry may outlive it for a while.
        return node.compose(n -> n == null || !cluster.isAlive(n)
                ? cluster.routes().remove(slug).map(v -> List.<NodeClient.Unsaved>of()) : nodes.stop(n, slug))
            .compose(unsaved -> {
              if (!unsaved.isEmpty()) {
                LOG.warn("{} stopped without storing {} paths, e.g. {}", slug, unsaved.size(), unsaved.get(0));
              }
              return finish(slug, ReplState.STOPPED, null).map(r -> new Stopped(r, unsaved));
            })
            .recover(err -> finish(slug, record.state(), record.nodeId()).transform(ignored -> Future.failedFuture(err)));
      });
    });
  }

  /**
   * Empties a node: marks it draining, so it takes no new repls, then moves each of its repls elsewhere (stop, which
   * flushes, then start; placement leaves draining nodes out).
   *
   * @return the slugs moved and those that could not be, with why
   */
  public Future<JsonObject> drain(String nodeId, boolean draining) {
    return cluster.nodes().get(nodeId).compose(node -> {
      if (node == null) return Future.failedFuture(ApiException.notFound("unknown_node", "no node named '" + nodeId + "'"));
      return nodes.setDraining(node, draining);
    }).compose(v -> {
      if (!draining) return Future.succeededFuture(new JsonObject().put("node", nodeId).put("draining", false));
      return list().compose(all -> {
        List<String> mine = all.stream().filter(r -> nodeId.equals(r.nodeId()) && r.state() == ReplState.RUNNING)
            .map(ReplRecord::slug).toList();
        JsonObject result = new JsonObject().put("node", nodeId).put("draining", true)
            .put("moved", new io.vertx.core.json.JsonArray()).put("failed", new JsonObject());
        Future<Void> chain = Future.succeededFuture();
        for (String slug : mine) {
          chain = chain.compose(x -> stop(slug).compose(r -> start(slug))
              .onSuccess(r -> result.getJsonArray("moved").add(slug))
              .<Void>mapEmpty()
              .recover(err -> {
                result.getJsonObject("failed").put(slug, err.getMessage());
                return Future.succeededFuture();
              }));
        }
        return chain.map(result);
      });
    });
  }

  /** Stops the repl, then deletes its files and metadata for good. */
  public Future<Void> delete(String slug) {
    return stop(slug).compose(stopped -> blocking(() -> store.deletePrefix(StorageLayout.repl(slug))))
        .compose(count -> cluster.repls().remove(slug))
        .compose(v -> cluster.routes().remove(slug))
        .compose(v -> cluster.activity().remove(slug))
        .onSuccess(v -> LOG.info("deleted {}", slug));
  }

  /**
   * Puts every repl stored in {@code repls/*}/repl.json back into the registry as stopped, unless the registry knows
   * it already. After a restart of the whole cluster this is how repls are found again.
   *
   * @return how many repls were added
   */
  public Future<Integer> recoverRegistry() {
    return blocking(() -> {
      List<ReplRecord> stored = new java.util.ArrayList<>();
      for (String folder : store.listFolders(StorageLayout.REPLS)) {
        String slug = folder.substring(StorageLayout.REPLS.length(), folder.length() - 1);
        Optional<byte[]> json = store.get(StorageLayout.replMetadata(slug));
        if (json.isEmpty()) continue;
        try {
          stored.add(ReplRecord.fromJson(new JsonObject(new String(json.get(), StandardCharsets.UTF_8))));
        } catch (RuntimeException e) {
          LOG.warn("ignoring unreadable {}: {}", StorageLayout.replMetadata(slug), e.getMessage());
        }
      }
      return stored;
    }).compose(stored -> {
      List<Future<Boolean>> added = stored.stream().map(r -> cluster.repls().putIfAbsent(r.slug(),
          r.withState(ReplState.STOPPED, null, r.lastActiveAt()))).toList();
      return Future.all(added).map(all -> (int) added.stream().filter(f -> f.result()).count());
    });
  }

  /** Compare-and-set of the state; true only when this call made the change (not a racing one). */
  private Future<Boolean> transition(String slug, ReplState from, ReplState to, String nodeId) {
    java.util.concurrent.atomic.AtomicBoolean claimed = new java.util.concurrent.atomic.AtomicBoolean();
    return cluster.repls().update(slug, current -> {
      if (current == null) throw ApiException.notFound("unknown_repl", "no repl named '" + slug + "'");
      // update() may call this more than once; the last call decides what was stored.
      claimed.set(current.state() == from);
      return claimed.get() ? current.withState(to, nodeId, clock.instant()) : null;
    }).map(r -> claimed.get());
  }

  private Future<ReplRecord> finish(String slug, ReplState to, String nodeId) {
    return cluster.repls().update(slug, current -> current == null ? null : current.withState(to, nodeId, clock.instant()))
        .compose(r -> r == null ? Future.failedFuture(ApiException.notFound("unknown_repl", "repl deleted: " + slug))
            : blocking(() -> {
              persist(r);
              return r;
            }));
  }

  private Future<Boolean> runsOnLiveNode(String slug) {
    return cluster.routes().get(slug).compose(route -> route == null
        ? Future.succeededFuture(false)
        : cluster.nodes().get(route.nodeId()).compose(node -> node != null && cluster.isAlive(node)
            ? Future.succeededFuture(true)
            : cluster.routes().remove(slug).map(false)));
  }

  private Future<ReplRecord> markStopped(String slug, ReplRecord record) {
    return cluster.repls().update(slug, current -> current != null && current.state() == record.state()
        ? current.withState(ReplState.STOPPED, null, current.lastActiveAt()) : null);
  }

  private Future<ReplRecord> afterBusy(String slug, long deadline) {
    Promise<ReplRecord> settled = Promise.promise();
    pollUntilSettled(slug, deadline, settled);
    return settled.future();
  }

  private void pollUntilSettled(String slug, long deadline, Promise<ReplRecord> settled) {
    vertx.setTimer(BUSY_POLL_MS, t -> get(slug).onFailure(settled::fail).onSuccess(record -> {
      if (!record.state().isBusy()) {
        settled.complete(record);
      } else if (System.nanoTime() > deadline) {
        settled.fail(ApiException.conflict("busy", slug + " is still " + record.state().wire() + "; try again later"));
      } else {
        pollUntilSettled(slug, deadline, settled);
      }
    }));
  }

  private long deadline() {
    return System.nanoTime() + busyWait.toNanos();
  }

  private void persist(ReplRecord record) {
    store.put(StorageLayout.replMetadata(record.slug()), record.toStoredJson().encodePrettily().getBytes(StandardCharsets.UTF_8));
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }
}
