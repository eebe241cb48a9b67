package io.pier.edge;

import io.pier.common.cluster.ClusterState;
import io.pier.common.cluster.ClusterState.ServiceEndpoint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schedulers the edge sends API requests and wake-ups to: the configured ones, or else those registered in the
 * cluster, read again every couple of seconds.
 */
final class Schedulers {
  private static final Logger LOG = LoggerFactory.getLogger(Schedulers.class);
  private static final long REFRESH_MS = 2000;

  private final Vertx vertx;
  private final List<String> configured;
  private final ClusterState cluster;
  private final AtomicReference<List<String>> urls = new AtomicReference<>(List.of());
  private long refreshTimer = -1;

  Schedulers(Vertx vertx, List<String> configured, ClusterState cluster) {
    this.vertx = vertx;
    this.configured = configured;
    this.cluster = cluster;
  }

  /** Reads the schedulers now; a cluster that cannot be read leaves the list as it was, and still succeeds. */
  Future<Void> refresh() {
    if (!configured.isEmpty()) {
      urls.set(configured);
      return Future.succeededFuture();
    }
    return cluster
        .services()
        .values()
        .onSuccess(
            all ->
                urls.set(
                    all.stream()
                        .filter(s -> s.kind().equals("scheduler"))
                        .map(ServiceEndpoint::url)
                        .sorted()
                        .toList()))
        .onFailure(
            err -> LOG.warn("could not read schedulers from the cluster: {}", err.getMessage()))
        .<Void>mapEmpty()
        .recover(err -> Future.succeededFuture());
  }

  /** From now on, reads the schedulers every couple of seconds. */
  void refreshPeriodically() {
    refreshTimer = vertx.setPeriodic(REFRESH_MS, t -> refresh());
  }

  void stopRefreshing() {
    if (refreshTimer >= 0) vertx.cancelTimer(refreshTimer);
  }

  boolean none() {
    return urls.get().isEmpty();
  }

  /** The schedulers in a random order: any will do. */
  List<String> shuffled() {
    List<String> shuffled = new ArrayList<>(urls.get());
    Collections.shuffle(shuffled);
    return shuffled;
  }
}
