package io.pier.node;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pier.common.cluster.SharedMap;
import io.pier.common.http.ApiException;
import io.pier.common.node.NodeLoad;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.Limits;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.common.repl.Route;
import io.pier.node.runtime.ContainerInfo;
import io.pier.node.runtime.ContainerRuntime;
import io.pier.node.runtime.ContainerSpec;
import io.pier.node.runtime.Runtimes;
import io.pier.node.session.LiveRepl;
import io.pier.node.session.FileChange;
import io.pier.node.session.WorkspaceWatcher;
import io.pier.node.workspace.DiskFull;
import io.pier.node.workspace.IgnoreList;
import io.pier.node.workspace.Journal;
import io.pier.node.workspace.WriteBehind;
import io.pier.node.workspace.WorkspaceSync;
import io.pier.node.workspace.WorkspaceTree;
import io.pier.node.workspace.Workspaces;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repls running on this node: starts each from storage into a container, publishes its route, and on stop
 * flushes its files back before removing container and workspace. Operations on one slug run one at a time.
 */
public final class ReplHost {
  public static final String LABEL_SLUG = "pier.slug";
  public static final String LABEL_NODE = "pier.node";
  public static final String LABEL_MANAGED = "pier.managed";
  /** The run command, port and first file, so that a restarted agent can adopt the repl without asking anyone. */
  public static final String LABEL_RUN = "pier.run";
  public static final String LABEL_PORT = "pier.port";
  public static final String LABEL_OPEN = "pier.open";
  private static final Logger LOG = LoggerFactory.getLogger(ReplHost.class);
  private static final int STOP_GRACE_SECONDS = 3;

  /** A repl this node runs. {@code stored} is what storage holds of its workspace, null when unknown. */
  private record Running(String slug, String containerId, Route route, int appPort, Limits limits, LiveRepl live,
                         WriteBehind writeBehind, WorkspaceWatcher watcher) {
  }

  private final Vertx vertx;
  private final NodeIdentity me;
  private final ContainerRuntime runtime;
  private final WorkspaceSync sync;
  private final Persistence persistence;
  private final Workspaces workspaces;
  private final Runtimes runtimes;
  private final SharedMap<Route> routes;
  private final SharedMap<ReplRecord> repls;
  private final Duration readyTimeout;
  private final Duration terminalLinger;
  /** Given to every repl's container (PIER_REPL_ENV); PORT is Pier's. */
  private final Map<String, String> replEnv;
  private final Context context;
  private final HttpClient probe;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  /** Upload failures of repls that left this node, so the failure counter never goes down. */
  private final java.util.concurrent.atomic.AtomicLong retiredSyncFailures = new java.util.concurrent.atomic.AtomicLong();
  private final Map<String, Future<?>> lastOperation = new ConcurrentHashMap<>();
  private final Timer startTimer;
  private final io.micrometer.core.instrument.MultiGauge replCpu;
  private final io.micrometer.core.instrument.MultiGauge replMemory;
  private final io.micrometer.core.instrument.MultiGauge replDiskUsed;
  private final io.micrometer.core.instrument.MultiGauge replDiskSize;
  /** What the running repls' workspaces may take of the node's disk together, at the last heartbeat. */
  private final java.util.concurrent.atomic.AtomicLong workspaceBytes = new java.util.concurrent.atomic.AtomicLong();
  private final Counter startFailures;

  public ReplHost(Vertx vertx, NodeIdentity me, ContainerRuntime runtime, Persistence persistence,
                  Workspaces workspaces, Runtimes runtimes, SharedMap<Route> routes, SharedMap<ReplRecord> repls,
                  Duration readyTimeout, Duration terminalLinger, Map<String, String> replEnv, MeterRegistry metrics) {
    this.vertx = vertx;
    this.me = me;
    this.runtime = runtime;
    this.sync = persistence.sync();
    this.persistence = persistence;
    this.workspaces = workspaces;
    this.runtimes = runtimes;
    this.routes = routes;
    this.repls = repls;
    this.readyTimeout = readyTimeout;
    this.terminalLinger = terminalLinger;
    this.replEnv = Map.copyOf(replEnv);
    this.context = vertx.getOrCreateContext();
    this.probe = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(1000).setKeepAlive(false));
    this.startTimer = Timer.builder("pier.node.repl.start").description("Time to start a repl on this node")
        .publishPercentileHistogram().register(metrics);
    this.startFailures = Counter.builder("pier.node.repl.start.failures").register(metrics);
    metrics.gauge("pier.node.repls.running", running, Map::size);
    Gauge.builder("pier.sessions.open", running, all -> all.values().stream().mapToInt(r -> r.live().sessionCount()).sum())
        .description("IDE sessions connected to this node's repls").register(metrics);
    Gauge.builder("pier.terminals.open", running, all -> all.values().stream().mapToInt(r -> r.live().terminalCount()).sum())
        .description("Terminals open in this node's repls").register(metrics);
    this.replCpu = io.micrometer.core.instrument.MultiGauge.builder("pier.repl.cpu.usage")
        .description("CPUs a repl's container uses (1.0 = one core)").register(metrics);
    this.replMemory = io.micrometer.core.instrument.MultiGauge.builder("pier.repl.memory.bytes")
        .description("Memory a repl's container uses").register(metrics);
    this.replDiskUsed = io.micrometer.core.instrument.MultiGauge.builder("pier.repl.disk.used.bytes")
        .description("Space a repl's workspace uses of its own filesystem").register(metrics);
    this.replDiskSize = io.micrometer.core.instrument.MultiGauge.builder("pier.repl.disk.size.bytes")
        .description("Size of a repl's workspace filesystem: what it may fill").register(metrics);
    Gauge.builder("pier.node.workspaces.size.bytes", workspaceBytes, java.util.concurrent.atomic.AtomicLong::get)
        .description("Sizes of the running repls' workspaces added up: what they may take of the node's disk")
        .register(metrics);
    Gauge.builder("pier.sync.pending.files", running, all -> all.values().stream()
        .mapToInt(r -> r.writeBehind().status().pending()).sum())
        .description("Changed files not yet in storage, all repls of this node").register(metrics);
    Gauge.builder("pier.sync.lag.seconds", running, all -> all.values().stream()
        .mapToDouble(r -> r.writeBehind().status().lag().toMillis() / 1000.0).max().orElse(0))
        .description("Age of the oldest change not yet in storage").register(metrics);
    FunctionCounter.builder("pier.sync.failures", running, all -> retiredSyncFailures.get() + all.values().stream()
        .mapToLong(r -> r.writeBehind().status().failures()).sum())
        .description("Failed uploads and deletes, retried").register(metrics);
  }

  /** Starts the repl (or returns its route if it runs here already) once its app answers or the wait is over. */
  public Future<Route> start(StartRequest request) {
    return serially(request.slug(), () -> {
      Running existing = running.get(request.slug());
      if (existing != null) return Future.succeededFuture(existing.route());
      long began = System.nanoTime();
      java.util.concurrent.atomic.AtomicReference<Running> attached = new java.util.concurrent.atomic.AtomicReference<>();
      return blocking(() -> createAndStart(request))
          .onSuccess(attached::set)
          .compose(r -> onContext(() -> r.live().startRun()).map(r))
          .compose(this::awaitAnswer)
          .compose(r -> routes.put(r.slug(), r.route()).map(v -> r))
          .map(r -> {
            running.put(r.slug(), r);
            startTimer.record(Duration.ofNanos(System.nanoTime() - began));
            LOG.info("started {} on port {}", r.slug(), r.route().port());
            return r.route();
          })
          .recover(err -> {
            startFailures.increment();
            LOG.warn("could not start {}: {}", request.slug(), err.getMessage());
            Running half = attached.get();
            Future<Void> detached = half == null ? Future.succeededFuture() : onContext(() -> half.live().close());
            return detached.transform(ignored -> blocking(() -> {
              if (half != null) {
                half.watcher().close();
                half.writeBehind().close();
              }
              removeContainerAndWorkspace(request.slug(), null);
              persistence.journal(request.slug()).delete();
              return null;
            })).transform(ignored -> Future.failedFuture(err));
          });
    });
  }

  /**
   * Stops the repl: stops its processes, flushes its files to storage, removes container, workspace and route.
   *
   * @return the workspace paths that could not be stored, with why (names storage cannot hold, say); they are lost
   */
  public Future<Map<String, String>> stop(String slug) {
    return serially(slug, () -> {
      Running r = running.get(slug);
      if (r == null) {
        return routes.removeIf(slug, route -> me.nodeId().equals(route.nodeId())).map(Map.<String, String>of());
      }
      // Everything the queue holds must be stored before anything stops; while storage is down the repl stays
      // fully up here and the stop fails, so nothing is lost and the user keeps working.
      return blocking(() -> {
        try {
          r.writeBehind().drain().get(persistence.drainTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          throw new ApiException(503, "storage_unavailable", "cannot store the files of " + slug + " ("
              + r.writeBehind().status().lastError() + "); it keeps running, try again later");
        }
        return null;
      }).compose(drained -> onContext(() -> r.live().close())).compose(closed -> blocking(() -> {
        runtime.stop(r.containerId(), STOP_GRACE_SECONDS);
        r.watcher().close();
        // A last full comparison catches what the watcher may have missed (an overflow in a burst of changes).
        WorkspaceSync.Snapshot flushed = sync.flush(slug, workspaces.tree(slug), r.writeBehind().storedSnapshot());
        Map<String, String> unsaved = new java.util.TreeMap<>(r.writeBehind().unstorable());
        unsaved.putAll(flushed.refused());
        // What was given up earlier but is stored now (renamed, or a folder the repl deleted) is not lost.
        unsaved.keySet().removeAll(flushed.files().keySet());
        if (!unsaved.isEmpty()) {
          LOG.warn("{}: stopped without storing {} paths: {}", slug, unsaved.size(), WorkspaceSync.describe(unsaved));
        }
        r.writeBehind().close();
        retiredSyncFailures.addAndGet(r.writeBehind().status().failures());
        persistence.journal(slug).delete();
        removeContainerAndWorkspace(slug, r.containerId());
        return Map.copyOf(unsaved);
      })).compose(unsaved -> {
        running.remove(slug);
        LOG.info("stopped {}", slug);
        return routes.removeIf(slug, route -> me.nodeId().equals(route.nodeId())).map(unsaved);
      });
    });
  }

  /** Stops every repl on this node, flushing each; for a clean shutdown. */
  public Future<Void> stopAll() {
    List<Future<Void>> stops = new ArrayList<>();
    for (String slug : running.keySet()) stops.add(stop(slug).mapEmpty());
    return Future.join(stops).mapEmpty();
  }

  /**
   * Makes this node's containers agree with the registry after a (re)start: containers of repls the registry says
   * run here are adopted; others are removed, after saving their workspace when no other node runs the repl.
   */
  public Future<Void> reconcile() {
    return blocking(() -> {
      Set<String> slugs = new TreeSet<>();
      Map<String, ContainerInfo> containers = new ConcurrentHashMap<>();
      for (ContainerInfo c : runtime.list(Map.of(LABEL_NODE, me.nodeId()))) {
        String slug = c.labels().get(LABEL_SLUG);
        if (slug != null) {
          slugs.add(slug);
          containers.put(slug, c);
        }
      }
      slugs.addAll(workspaces.present());
      return new Object[] {slugs, containers};
    }).compose(found -> {
      @SuppressWarnings("unchecked") Set<String> slugs = (Set<String>) found[0];
      @SuppressWarnings("unchecked") Map<String, ContainerInfo> containers = (Map<String, ContainerInfo>) found[1];
      List<Future<Void>> done = new ArrayList<>();
      for (String slug : slugs) done.add(repls.get(slug).compose(record -> reconcile(slug, record, containers.get(slug))));
      return Future.join(done).mapEmpty();
    });
  }

  private Future<Void> reconcile(String slug, ReplRecord record, ContainerInfo container) {
    // After a reboot a workspace's filesystem is not mounted: its folder would look empty, and saving it would delete
    // the repl's files from storage.
    return blocking(() -> reopen(slug)).compose(readable -> reconcile(slug, record, container, readable));
  }

  /** Mounts the slug's workspace again if it has a volume. @return false when it cannot be read */
  private boolean reopen(String slug) {
    try {
      workspaces.reopen(slug);
      return true;
    } catch (RuntimeException e) {
      LOG.error("{}; what only this node had of {} is not saved", e.getMessage(), slug);
      return false;
    }
  }

  private Future<Void> reconcile(String slug, ReplRecord record, ContainerInfo container, boolean readable) {
    boolean ownedHere = record != null && me.nodeId().equals(record.nodeId())
        && (record.state() == ReplState.RUNNING || record.state() == ReplState.STARTING);
    int appPort = container == null ? -1 : Integer.parseInt(container.labels().getOrDefault(LABEL_PORT, "-1"));
    if (readable && ownedHere && container != null && container.running()
        && (appPort == 0 || container.publishedPort().isPresent())
        && container.labels().containsKey(LABEL_RUN) && Files.isDirectory(workspaces.of(slug))) {
      Route route = new Route(slug, me.nodeId(), me.advertiseHost(),
          appPort == 0 ? 0 : container.publishedPort().getAsInt(), me.agentUrl());
      LiveRepl.RunSpec spec = new LiveRepl.RunSpec(container.labels().get(LABEL_RUN), appPort,
          container.labels().get(LABEL_OPEN));
      // The old run process's output stream died with the old agent: restart it to have one again.
      return blocking(() -> {
        // What the old agent had not stored yet: its journal names what was saved; comparing with storage also
        // finds what processes wrote in the moment before the old agent's watcher saw it.
        java.util.Set<String> journalled = Journal.read(persistence.journalFile(slug));
        WorkspaceSync.Snapshot storedNow = sync.recover(slug, workspaces.tree(slug), journalled);
        LOG.info("adopted {}: storage brought up to date ({} journalled changes)", slug, journalled.size());
        return attach(slug, container.id(), route, spec, record.limits(), storedNow);
      }).compose(adopted -> {
            running.put(slug, adopted);
            LOG.info("adopted running repl {}", slug);
            return onContext(adopted.live()::startRun);
          })
          .compose(v -> routes.put(slug, route));
    }
    boolean runsElsewhere = record != null && record.nodeId() != null && !me.nodeId().equals(record.nodeId());
    Future<Boolean> staleRoute = routes.removeIf(slug, route -> me.nodeId().equals(route.nodeId()));
    return staleRoute.transform(ignored -> blocking(() -> {
      Path dir = workspaces.of(slug);
      // A repl missing from the registry may only be waiting for a scheduler to recover it from storage.
      boolean exists = record != null || sync.isStored(slug);
      if (exists && readable && Files.isDirectory(dir)) {
        if (container != null) runtime.stop(container.id(), STOP_GRACE_SECONDS);
        java.util.Set<String> journalled = Journal.read(persistence.journalFile(slug));
        if (runsElsewhere) {
          // Another node runs it now from storage; what only this node had is kept aside, not lost and not
          // written over the newer files.
          int kept = sync.keepAside(slug, workspaces.tree(slug), journalled, me.nodeId() + "-" + java.time.Instant.now().getEpochSecond());
          if (kept > 0) LOG.warn("{} runs on {} now; kept {} files only this node had under recovered/", slug,
              record.nodeId(), kept);
        } else {
          sync.recover(slug, workspaces.tree(slug), journalled);
          LOG.info("saved the workspace of orphaned repl {}", slug);
        }
      }
      removeContainerAndWorkspace(slug, container == null ? null : container.id());
      persistence.journal(slug).delete();
      LOG.info("removed orphaned repl {} from this node", slug);
      return null;
    }));
  }

  /** The last CPU reading of each container, to turn CPU time into a rate. */
  private final Map<String, long[]> lastCpu = new ConcurrentHashMap<>();

  /**
   * What this node's repls reserve and use now. Blocking (reads the containers' counters); call off the event loop.
   */
  public NodeLoad load() {
    long reserved = 0;
    double cpu = 0;
    long memoryBytes = 0;
    long now = System.nanoTime();
    List<String> slugs = new ArrayList<>();
    List<io.micrometer.core.instrument.MultiGauge.Row<?>> cpuRows = new ArrayList<>();
    List<io.micrometer.core.instrument.MultiGauge.Row<?>> memoryRows = new ArrayList<>();
    List<io.micrometer.core.instrument.MultiGauge.Row<?>> diskUsedRows = new ArrayList<>();
    List<io.micrometer.core.instrument.MultiGauge.Row<?>> diskSizeRows = new ArrayList<>();
    long workspaceSizes = 0;
    for (Running r : running.values()) {
      reserved += r.limits().memoryMb();
      slugs.add(r.slug());
      var disk = workspaces.usage(r.slug());
      if (disk.isPresent()) {
        var tags = io.micrometer.core.instrument.Tags.of("slug", r.slug());
        diskUsedRows.add(io.micrometer.core.instrument.MultiGauge.Row.of(tags, disk.get().usedBytes()));
        diskSizeRows.add(io.micrometer.core.instrument.MultiGauge.Row.of(tags, disk.get().sizeBytes()));
        workspaceSizes += disk.get().sizeBytes();
      }
      var usage = runtime.usage(r.containerId());
      if (usage.isEmpty()) continue;
      memoryBytes += usage.get().memoryBytes();
      memoryRows.add(io.micrometer.core.instrument.MultiGauge.Row.of(
          io.micrometer.core.instrument.Tags.of("slug", r.slug()), usage.get().memoryBytes()));
      long[] previous = lastCpu.put(r.containerId(), new long[] {usage.get().cpuNanos(), now});
      if (previous != null && now > previous[1]) {
        double rate = (double) (usage.get().cpuNanos() - previous[0]) / (now - previous[1]);
        cpu += rate;
        cpuRows.add(io.micrometer.core.instrument.MultiGauge.Row.of(
            io.micrometer.core.instrument.Tags.of("slug", r.slug()), Math.max(0, rate)));
      }
    }
    replCpu.register(cpuRows, true);
    replMemory.register(memoryRows, true);
    replDiskUsed.register(diskUsedRows, true);
    replDiskSize.register(diskSizeRows, true);
    workspaceBytes.set(workspaceSizes);
    lastCpu.keySet().retainAll(running.values().stream().map(Running::containerId).toList());
    return new NodeLoad(running.size(), reserved, Math.max(0, cpu), memoryBytes / (1024 * 1024), slugs);
  }

  /** The container runtimes repls may ask for on this node. */
  public List<String> runtimes() {
    return runtimes.offered();
  }

  public Collection<Route> routes() {
    return running.values().stream().map(Running::route).toList();
  }

  private Running createAndStart(StartRequest request) {
    String slug = request.slug();
    String engineRuntime = runtimes.resolve(request.limits().runtime()).orElse(null);
    removeContainerAndWorkspace(slug, null);
    persistence.journal(slug).delete();
    Path dir;
    try {
      dir = workspaces.create(slug, request.limits());
    } catch (RuntimeException e) {
      throw new ApiException(503, "workspace_unavailable", e.getMessage());
    }
    WorkspaceSync.Snapshot stored;
    try {
      stored = sync.restore(slug, workspaces.tree(slug));
    } catch (RuntimeException e) {
      if (!DiskFull.causedBy(e)) throw e;
      long sizeMb = workspaces.sizeMb(request.limits());
      throw new ApiException(507, "disk_full", "the files of " + slug + " do not fit "
          + (sizeMb > 0 ? "its workspace of " + sizeMb + " MiB" : "on node " + me.nodeId() + "'s disk"));
    }
    Workspaces.handOver(dir, 1000, 1000);
    String id;
    try {
      Map<String, String> labels = new HashMap<>(Map.of(LABEL_SLUG, slug, LABEL_NODE, me.nodeId(),
          LABEL_MANAGED, "true", LABEL_RUN, request.run(), LABEL_PORT, String.valueOf(request.port())));
      if (request.open() != null) labels.put(LABEL_OPEN, request.open());
      // The container idles; the run command and terminals are processes started in it, so a crashing app
      // leaves the repl up for the user to fix it.
      Map<String, String> env = new HashMap<>(replEnv);
      env.put("PORT", String.valueOf(request.port()));
      id = runtime.create(new ContainerSpec(containerName(slug), slug, request.image(), List.of("sleep", "infinity"),
          env, labels, dir, request.port(), me.advertiseHost(),
          request.limits(), me.replNetwork(), engineRuntime));
    } catch (RuntimeException e) {
      if (e.getClass().getSimpleName().equals("NotFoundException")) {
        throw new ApiException(422, "image_missing", "runner image " + request.image() + " is not on node " + me.nodeId());
      }
      throw e;
    }
    runtime.start(id);
    int port = request.port() == 0 ? 0 : runtime.inspect(id).flatMap(c -> c.publishedPort().isPresent()
            ? java.util.Optional.of(c.publishedPort().getAsInt()) : java.util.Optional.empty())
        .orElseThrow(() -> new IllegalStateException("container of " + slug + " has no published port"));
    return attach(slug, id, new Route(slug, me.nodeId(), me.advertiseHost(), port, me.agentUrl()),
        new LiveRepl.RunSpec(request.run(), request.port(), request.open()), request.limits(), stored);
  }

  /** Puts the session state, the write-behind queue and the watcher that feeds both around a started container. */
  private Running attach(String slug, String containerId, Route route, LiveRepl.RunSpec spec, Limits limits,
                         WorkspaceSync.Snapshot stored) {
    Path dir = workspaces.of(slug);
    WorkspaceTree tree = workspaces.tree(slug);
    WriteBehind writeBehind = new WriteBehind(slug, tree, persistence.store(), IgnoreList.forWorkspace(tree),
        persistence.journal(slug), persistence.settings(), persistence.timer(), persistence.transfers(),
        persistence.clock(), stored);
    LiveRepl live = new LiveRepl(vertx, context, slug, containerId, runtime, dir, spec, terminalLinger,
        writeBehind::changed);
    WorkspaceWatcher watcher;
    try {
      watcher = new WorkspaceWatcher(dir, IgnoreList.DEFAULT, live.files(), changes -> {
        writeBehind.changed(changes.stream().map(FileChange::path).toList());
        live.context().runOnContext(v -> live.workspaceChanged(changes));
      });
    } catch (java.io.IOException e) {
      writeBehind.close();
      throw new java.io.UncheckedIOException(e);
    }
    return new Running(slug, containerId, route, spec.port(), limits, live, writeBehind, watcher);
  }

  /** Marks every repl with an IDE session open as used now. */
  public void recordSessionActivity(SharedMap<io.pier.common.cluster.ClusterState.Activity> activity) {
    context.runOnContext(v -> {
      for (Running r : running.values()) {
        if (r.live().sessionCount() > 0) {
          activity.put(r.slug(), new io.pier.common.cluster.ClusterState.Activity(java.time.Instant.now(), "session"));
        }
      }
    });
  }

  /** The write-behind state of a repl running here. */
  public java.util.Optional<WriteBehind.Status> syncStatus(String slug) {
    return java.util.Optional.ofNullable(running.get(slug)).map(r -> r.writeBehind().status());
  }

  /** Waits until the repl's app answers HTTP; fails if its container exits; gives up waiting after the timeout. */
  private Future<Running> awaitAnswer(Running r) {
    if (r.appPort() == 0) return Future.succeededFuture(r);
    Promise<Running> answered = Promise.promise();
    long deadline = System.nanoTime() + readyTimeout.toNanos();
    poll(r, deadline, answered);
    return answered.future();
  }

  private void poll(Running r, long deadline, Promise<Running> answered) {
    probe.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(r.route().host())
            .setPort(r.route().port()).setURI("/").setTimeout(2000))
        .compose(req -> req.send())
        .onSuccess(resp -> answered.complete(r))
        .onFailure(err -> blocking(() -> runtime.inspect(r.containerId())).onComplete(inspected -> {
          var info = inspected.succeeded() ? inspected.result() : java.util.Optional.<ContainerInfo>empty();
          if (info.isEmpty() || !info.get().running()) {
            answered.fail(new ApiException(502, "container_exited", "the container of " + r.slug() + " stopped: "
                + runtime.logTail(r.containerId(), 20).strip()));
          } else if (r.live().runExited()) {
            // The app crashed: the repl still runs, so the user can read why in the run pane and fix it.
            LOG.info("{}'s run command exited before answering on port {}", r.slug(), r.appPort());
            answered.complete(r);
          } else if (System.nanoTime() > deadline) {
            LOG.warn("{} does not answer on port {} after {}; running it anyway", r.slug(), r.appPort(), readyTimeout);
            answered.complete(r);
          } else {
            vertx.setTimer(100, t -> poll(r, deadline, answered));
          }
        }));
  }

  private void removeContainerAndWorkspace(String slug, String containerId) {
    if (containerId != null) runtime.remove(containerId);
    for (ContainerInfo c : runtime.list(Map.of(LABEL_NODE, me.nodeId(), LABEL_SLUG, slug))) runtime.remove(c.id());
    // Only once no container holds the workspace: then unmounting it frees its filesystem.
    workspaces.remove(slug);
  }

  /** The live state of a repl running here, for its IDE sessions. */
  public java.util.Optional<LiveRepl> live(String slug) {
    return java.util.Optional.ofNullable(running.get(slug)).map(Running::live);
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> work) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(done));
    return done.future();
  }

  private String containerName(String slug) {
    return "pier-" + slug + "-" + me.nodeId();
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  private <T> Future<T> serially(String slug, java.util.function.Supplier<Future<T>> operation) {
    Promise<T> result = Promise.promise();
    Future<?> previous = lastOperation.put(slug, result.future());
    Future<?> before = previous == null ? Future.succeededFuture() : previous;
    before.onComplete(ignored -> {
      try {
        operation.get().onComplete(result);
      } catch (RuntimeException e) {
        result.fail(e);
      }
    });
    result.future().onComplete(done -> lastOperation.remove(slug, result.future()));
    return result.future();
  }
}
