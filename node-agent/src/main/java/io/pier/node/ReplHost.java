package io.pier.node;

import io.micrometer.core.instrument.MeterRegistry;
import io.pier.common.cluster.ClusterState;
import io.pier.common.cluster.SharedMap;
import io.pier.common.node.NodeLoad;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.Route;
import io.pier.node.StartSteps.Step;
import io.pier.node.pool.DemandFile;
import io.pier.node.pool.PoolSettings;
import io.pier.node.pool.WarmPool;
import io.pier.node.ports.RunningSandbox;
import io.pier.node.runtime.Runtimes;
import io.pier.node.sandbox.SandboxDriver;
import io.pier.node.sandbox.SandboxHandleStore;
import io.pier.node.session.LiveRepl;
import io.pier.node.session.WaitingRuns;
import io.pier.node.session.WatchTicker;
import io.pier.node.workspace.Workspaces;
import io.pier.node.workspace.WriteBehind;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repls running on this node: starts each from storage into a sandbox, publishes its route, and on stop
 * flushes its files back before removing sandbox and workspace. Operations on one slug run one at a time.
 */
public final class ReplHost {
  private static final Logger LOG = LoggerFactory.getLogger(ReplHost.class);

  private final HostContext host;
  private final NodeIdentity me;
  private final Runtimes runtimes;
  private final SharedMap<Route> routes;
  private final Map<String, RunningRepl> running = new ConcurrentHashMap<>();
  private final Map<String, Future<?>> lastOperation = new ConcurrentHashMap<>();
  private final ReplMeters meters;
  private final ReplLifecycle lifecycle;
  private final ReplAdoption adoption;
  private final ReadinessProbe readiness;
  private final ReplLoad load;
  private final NodeSpares spares;
  private final SandboxDriver driver;

  /**
   * @param handles        where the handles of this node's sandboxes are kept
   * @param readyTimeout   how long a start waits for the repl's app to answer
   * @param terminalLinger how long a terminal that no tab shows lives on
   * @param replEnv        given to every repl's sandbox (PIER_REPL_ENV)
   */
  public ReplHost(
      Vertx vertx,
      NodeIdentity me,
      SandboxDriver driver,
      SandboxHandleStore handles,
      Persistence persistence,
      Workspaces workspaces,
      Runtimes runtimes,
      SharedMap<Route> routes,
      SharedMap<ReplRecord> repls,
      Duration readyTimeout,
      Duration terminalLinger,
      Map<String, String> replEnv,
      MeterRegistry metrics) {
    this(
        vertx,
        me,
        driver,
        handles,
        persistence,
        workspaces,
        runtimes,
        routes,
        repls,
        readyTimeout,
        terminalLinger,
        replEnv,
        PoolSettings.OFF,
        metrics);
  }

  /** @param pool how many spare sandboxes this node keeps ready for starts (PIER_POOL_*) */
  public ReplHost(
      Vertx vertx,
      NodeIdentity me,
      SandboxDriver driver,
      SandboxHandleStore handles,
      Persistence persistence,
      Workspaces workspaces,
      Runtimes runtimes,
      SharedMap<Route> routes,
      SharedMap<ReplRecord> repls,
      Duration readyTimeout,
      Duration terminalLinger,
      Map<String, String> replEnv,
      PoolSettings pool,
      MeterRegistry metrics) {
    this.host = HostContext.of(vertx);
    this.me = me;
    this.driver = driver;
    this.runtimes = runtimes;
    this.routes = routes;
    this.meters = new ReplMeters(metrics, running);
    NodeParts parts =
        new NodeParts(
            host,
            me,
            driver,
            handles,
            persistence,
            workspaces,
            new WatchTicker(),
            new WaitingRuns(metrics));
    ReplSandboxes sandboxes = new ReplSandboxes(parts, runtimes, replEnv);
    this.spares =
        new NodeSpares(
            host,
            pool,
            sandboxes,
            running,
            new DemandFile(persistence.nodeFile("pool-demand.json")),
            metrics);
    this.lifecycle =
        new ReplLifecycle(
            parts,
            sandboxes,
            new SandboxStarts(
                parts, sandboxes, spares.pool(), spares.claims(), SandboxStarts.creationThreads()),
            terminalLinger,
            meters);
    this.adoption = new ReplAdoption(parts, routes, repls, lifecycle, running);
    this.readiness = new ReadinessProbe(host, driver, readyTimeout);
    this.load = new ReplLoad(running, driver, workspaces, meters, spares.pool()::pooledMemoryMb);
  }

  /** Starts the repl (or returns its route if it runs here already) once its app answers or the wait is over. */
  public Future<Route> start(StartRequest request) {
    return serially(
        request.slug(),
        () -> {
          RunningRepl existing = running.get(request.slug());
          if (existing != null) return Future.succeededFuture(existing.route());
          long began = System.nanoTime();
          AtomicReference<RunningRepl> attached = new AtomicReference<>();
          spares.starting(request.slug(), request.limits().memoryMb());
          return host.blocking(() -> lifecycle.launch(request))
              .onSuccess(attached::set)
              .compose(
                  r -> timed(Step.RUN, () -> host.onContext(() -> r.live().startFirstRun())).map(r))
              .compose(r -> timed(Step.PROBE, () -> readiness.awaitAnswer(r)))
              .compose(r -> timed(Step.ROUTE, () -> routes.put(r.slug(), r.route())).map(v -> r))
              .map(
                  r -> {
                    running.put(r.slug(), r);
                    meters.started(Duration.ofNanos(System.nanoTime() - began));
                    LOG.info("started {} on port {}", r.slug(), r.route().port());
                    return r.route();
                  })
              .recover(
                  err -> {
                    meters.startFailed();
                    LOG.warn("could not start {}: {}", request.slug(), err.getMessage());
                    RunningRepl half = attached.get();
                    Future<Void> detached =
                        half == null
                            ? Future.succeededFuture()
                            : host.onContext(() -> half.live().close());
                    return detached
                        .transform(
                            ignored ->
                                host.blocking(
                                    () -> {
                                      lifecycle.discard(request.slug(), half);
                                      return null;
                                    }))
                        .transform(ignored -> Future.failedFuture(err));
                  })
              .onComplete(done -> spares.startEnded(request.slug()));
        });
  }

  /** Times an asynchronous step of a start, from now until it completes either way. */
  private <T> Future<T> timed(Step step, Supplier<Future<T>> work) {
    long began = System.nanoTime();
    return work.get().onComplete(ignored -> meters.steps().record(step, began));
  }

  /**
   * Stops the repl: stops its processes, flushes its files to storage, removes sandbox, workspace and route.
   *
   * @return the workspace paths that could not be stored, with why (names storage cannot hold, say); they are lost
   */
  public Future<Map<String, String>> stop(String slug) {
    return serially(
        slug,
        () -> {
          RunningRepl r = running.get(slug);
          if (r == null) {
            return routes
                .removeIf(slug, route -> me.nodeId().equals(route.nodeId()))
                .map(Map.<String, String>of());
          }
          // Everything the queue holds must be stored before anything stops; while storage is down
          // the repl stays
          // fully up here and the stop fails, so nothing is lost and the user keeps working.
          return host.blocking(
                  () -> {
                    lifecycle.drain(r);
                    return null;
                  })
              .compose(drained -> host.onContext(() -> r.live().close()))
              .compose(closed -> host.blocking(() -> lifecycle.retire(r)))
              .compose(
                  unsaved -> {
                    running.remove(slug);
                    LOG.info("stopped {}", slug);
                    return routes
                        .removeIf(slug, route -> me.nodeId().equals(route.nodeId()))
                        .map(unsaved);
                  });
        });
  }

  /**
   * Stores everything the repl's write-behind queue holds now (a fork is about to copy its files from storage); a repl
   * not running here has nothing to store. Fails with {@code 503 storage_unavailable} when storage does not take it
   * in time.
   */
  public Future<Void> storeNow(String slug) {
    RunningRepl r = running.get(slug);
    if (r == null) return Future.succeededFuture();
    return host.blocking(
        () -> {
          lifecycle.drain(r);
          return null;
        });
  }

  /** Stops every repl on this node, flushing each; for a clean shutdown. */
  public Future<Void> stopAll() {
    List<Future<Void>> stops = new ArrayList<>();
    for (String slug : running.keySet()) stops.add(stop(slug).mapEmpty());
    stops.add(
        host.blocking(
            () -> {
              closePool();
              return null;
            }));
    return Future.join(stops).mapEmpty();
  }

  /** Throws every spare away, once a refill under way is done. Blocking: call off the event loop. */
  public void closePool() throws InterruptedException {
    spares.close();
  }

  /** This node's spare sandboxes. */
  public WarmPool pool() {
    return spares.pool();
  }

  /**
   * Makes this node's sandboxes agree with the registry after a (re)start: sandboxes of repls the registry says run
   * here are adopted; others are removed, after saving their workspace when no other node runs the repl. Then the
   * pool makes the spares the demand the earlier agent kept asks for.
   */
  public Future<Void> reconcile() {
    return host.blocking(
            () -> {
              spares.removeLeftovers();
              return null;
            })
        .compose(v -> adoption.reconcile())
        // After the adoption: the repls it kept reserve their memory before spares take any.
        .compose(
            v ->
                host.<Void>blocking(
                    () -> {
                      spares.resume();
                      return null;
                    }))
        .onSuccess(v -> spares.tidyPeriodically());
  }

  /** What this node's repls reserve and use now. Blocking (reads the sandboxes' counters); call off the event loop. */
  public NodeLoad load() {
    return load.read();
  }

  /** The isolation runtimes repls may ask for on this node. */
  public List<String> runtimes() {
    return runtimes.offered();
  }

  public Collection<Route> routes() {
    return running.values().stream().map(RunningRepl::route).toList();
  }

  /** Marks every repl with an IDE session open as used now. */
  public void recordSessionActivity(SharedMap<ClusterState.Activity> activity) {
    host.context()
        .runOnContext(
            v -> {
              for (RunningRepl r : running.values()) {
                if (r.live().sessionCount() > 0)
                  activity.put(r.slug(), new ClusterState.Activity(Instant.now(), "session"));
              }
            });
  }

  /** The write-behind state of a repl running here. */
  public Optional<WriteBehind.Status> syncStatus(String slug) {
    return Optional.ofNullable(running.get(slug)).map(r -> r.writeBehind().status());
  }

  /** The live state of a repl running here, for its IDE sessions. */
  public Optional<LiveRepl> live(String slug) {
    return Optional.ofNullable(running.get(slug)).map(RunningRepl::live);
  }

  /** The sandbox of a repl running here, with the address its start read. */
  public Optional<RunningSandbox> sandboxOf(String slug) {
    return Optional.ofNullable(running.get(slug))
        .map(r -> new RunningSandbox(r.sandboxId(), r.sandboxAddress()));
  }

  /**
   * The address of one of this node's sandboxes, where its every port answers ({@link SandboxDriver#address}); empty
   * when it has none. Blocking: call off the event loop.
   */
  public Optional<String> sandboxAddress(String sandboxId) {
    return driver.address(sandboxId);
  }

  private <T> Future<T> serially(String slug, Supplier<Future<T>> operation) {
    Promise<T> result = Promise.promise();
    Future<?> previous = lastOperation.put(slug, result.future());
    Future<?> before = previous == null ? Future.succeededFuture() : previous;
    before.onComplete(
        ignored -> {
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
