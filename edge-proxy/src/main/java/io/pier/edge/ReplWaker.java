package io.pier.edge;

import io.pier.common.auth.TokenSigner;
import io.pier.common.cluster.ClusterState;
import io.pier.common.repl.Route;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Wakes a stopped repl whose preview is asked for: a scheduler starts it, and its route is what the edge waits for. */
final class ReplWaker {
  private final Vertx vertx;
  private final EdgeConfig config;
  private final ClusterState cluster;
  private final TokenSigner tokens;
  private final EdgeClients clients;
  private final Schedulers schedulers;
  private final Map<String, Future<Route>> waking = new ConcurrentHashMap<>();

  ReplWaker(
      Vertx vertx,
      EdgeConfig config,
      ClusterState cluster,
      TokenSigner tokens,
      EdgeClients clients,
      Schedulers schedulers) {
    this.vertx = vertx;
    this.config = config;
    this.cluster = cluster;
    this.tokens = tokens;
    this.clients = clients;
    this.schedulers = schedulers;
  }

  /** Asks a scheduler to start the repl (once, however many requests wait for it) and returns its route. */
  Future<Route> wake(String slug) {
    return waking.computeIfAbsent(
        slug,
        s -> {
          Future<Route> started =
              askSchedulerToStart(s, schedulers.shuffled(), 0)
                  .compose(v -> cluster.routes().getConfirmingMiss(s))
                  .compose(
                      route ->
                          route != null
                              ? Future.succeededFuture(route)
                              : Future.failedFuture("started, but no route yet"))
                  .timeout(config.wakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
          // Removed later, not inside computeIfAbsent: a future that fails at once would update the
          // map recursively.
          started.onComplete(done -> vertx.runOnContext(v -> waking.remove(s, started)));
          return started;
        });
  }

  private Future<Void> askSchedulerToStart(String slug, List<String> urls, int index) {
    if (index >= urls.size()) return Future.failedFuture("no scheduler answered");
    URI scheduler = URI.create(urls.get(index));
    return clients
        .api()
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(scheduler.getHost())
                .setPort(scheduler.getPort())
                .setURI("/api/repls/" + slug + "/start")
                .setConnectTimeout(config.capacity().connectTimeout().toMillis())
                .setTimeout(config.wakeTimeout().toMillis())
                .putHeader(
                    "Authorization",
                    "Bearer " + tokens.issue("service:edge", true, Duration.ofMinutes(5))))
        .compose(request -> request.send())
        .recover(unreachable -> askSchedulerToStart(slug, urls, index + 1).map(v -> null))
        .compose(
            response -> {
              if (response == null) return Future.succeededFuture();
              return response
                  .body()
                  .compose(
                      body ->
                          response.statusCode() == 200
                              ? Future.<Void>succeededFuture()
                              : Future.failedFuture(
                                  "the scheduler answered " + response.statusCode() + ": " + body));
            });
  }
}
