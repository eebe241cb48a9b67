package io.pier.scheduler;

import io.pier.common.cluster.ClusterState;
import io.pier.common.http.ApiException;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.common.store.ObjectStore;
import io.pier.common.store.StorageLayout;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * The repl registry as the lifecycle uses it: reads, compare-and-set transitions written through to {@code repl.json},
 * and waiting out a repl that another call is starting or stopping.
 */
public final class ReplRegistry {
  private static final long BUSY_POLL_MS = 200;

  private final Vertx vertx;
  private final ClusterState cluster;
  private final ObjectStore store;
  private final Clock clock;
  private final Duration busyWait;

  /** @param busyWait how long a call waits for a repl busy in another call's transition before it answers 409 */
  public ReplRegistry(
      Vertx vertx, ClusterState cluster, ObjectStore store, Clock clock, Duration busyWait) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.store = store;
    this.clock = clock;
    this.busyWait = busyWait;
  }

  Future<List<ReplRecord>> list() {
    return cluster
        .repls()
        .values()
        .map(
            all ->
                all.stream()
                    .sorted(Comparator.comparing(ReplRecord::createdAt).reversed())
                    .toList());
  }

  Future<ReplRecord> get(String slug) {
    return cluster
        .repls()
        .get(slug)
        .compose(r -> r == null ? Future.failedFuture(unknown(slug)) : Future.succeededFuture(r));
  }

  static ApiException unknown(String slug) {
    return ApiException.notFound("unknown_repl", "no repl named '" + slug + "'");
  }

  /** How many repls of {@code owner} the registry holds that {@code which} accepts. */
  Future<Integer> count(String owner, Predicate<ReplRecord> which) {
    return cluster
        .repls()
        .values()
        .map(
            all ->
                (int) all.stream().filter(r -> owner.equals(r.owner()) && which.test(r)).count());
  }

  /** Compare-and-set of the state; true only when this call made the change (not a racing one). */
  Future<Boolean> transition(String slug, ReplState from, ReplState to, String nodeId) {
    AtomicBoolean claimed = new AtomicBoolean();
    return cluster
        .repls()
        .update(
            slug,
            current -> {
              if (current == null) throw unknown(slug);
              // update() may call this more than once; the last call decides what was stored.
              claimed.set(current.state() == from);
              return claimed.get() ? current.withState(to, nodeId, clock.instant()) : null;
            })
        .map(r -> claimed.get());
  }

  /** Ends a transition this call claimed, in the registry and in {@code repl.json}. */
  Future<ReplRecord> finish(String slug, ReplState to, String nodeId) {
    return cluster
        .repls()
        .update(
            slug,
            current -> current == null ? null : current.withState(to, nodeId, clock.instant()))
        .compose(
            r ->
                r == null
                    ? Future.failedFuture(
                        ApiException.notFound("unknown_repl", "repl deleted: " + slug))
                    : blocking(
                        () -> {
                          persist(r);
                          return r;
                        }));
  }

  /** Puts a repl still in {@code state} back to {@code to}, keeping when it was last active. */
  Future<ReplRecord> revert(String slug, ReplState state, ReplState to) {
    return cluster
        .repls()
        .update(
            slug,
            current ->
                current != null && current.state() == state
                    ? current.withState(to, null, current.lastActiveAt())
                    : null);
  }

  /** Whether a live node has the repl's route; a route of a node that left is removed. */
  Future<Boolean> runsOnLiveNode(String slug) {
    return cluster
        .routes()
        .get(slug)
        .compose(
            route ->
                route == null
                    ? Future.succeededFuture(false)
                    : cluster
                        .nodes()
                        .get(route.nodeId())
                        .compose(
                            node ->
                                node != null && cluster.isAlive(node)
                                    ? Future.succeededFuture(true)
                                    : cluster.routes().remove(slug).map(false)));
  }

  /** The repl once no other call is starting or stopping it; 409 after the busy wait that began at {@code deadline}. */
  Future<ReplRecord> afterBusy(String slug, long deadline) {
    Promise<ReplRecord> settled = Promise.promise();
    pollUntilSettled(slug, deadline, settled);
    return settled.future();
  }

  private void pollUntilSettled(String slug, long deadline, Promise<ReplRecord> settled) {
    vertx.setTimer(
        BUSY_POLL_MS,
        t ->
            get(slug)
                .onFailure(settled::fail)
                .onSuccess(
                    record -> {
                      if (!record.state().isBusy()) {
                        settled.complete(record);
                      } else if (System.nanoTime() > deadline) {
                        settled.fail(
                            ApiException.conflict(
                                "busy",
                                slug + " is still " + record.state().wire() + "; try again later"));
                      } else {
                        pollUntilSettled(slug, deadline, settled);
                      }
                    }));
  }

  /** When a call that begins now stops waiting for a busy repl. */
  long deadline() {
    return System.nanoTime() + busyWait.toNanos();
  }

  /** Writes the durable part of the record to {@code repl.json}; blocking. */
  void persist(ReplRecord record) {
    store.put(
        StorageLayout.replMetadata(record.slug()),
        record.toStoredJson().encodePrettily().getBytes(StandardCharsets.UTF_8));
  }

  <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }
}
