package io.pier.edge.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.cluster.ClusterConfig;
import io.pier.common.cluster.SharedMap;
import io.pier.common.cluster.hazelcast.HazelcastCluster;
import io.pier.common.config.Env;
import io.pier.common.config.Mains;
import io.pier.common.repl.Route;
import io.pier.edge.bench.hazelcast.ChangeEvents;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issue 16's route-change check: how long after a repl's route changes in the cluster (as a failover moves it) the
 * edge-proxy sends its previews to the new place. Joins the running Pier's cluster (lite member, from the same
 * {@code PIER_CLUSTER_*} variables), moves the repl's route to a loopback server of its own and back, {@code rounds}
 * times, and after each change asks the edge for the preview until the answer comes from the new place. The floor
 * beside it: the same change's event reaching this member from the member that owns the entry, which is the path
 * the edge's near-cache invalidation takes. Run by {@code bench/run.sh edge}.
 *
 * <p>Arguments: edge port, preview host, repl slug, rounds.
 */
public final class RouteChangeBenchmark {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String MOVED = "moved here";

  private RouteChangeBenchmark() {}

  public static void main(String[] args) throws Exception {
    int edgePort = Integer.parseInt(args[0]);
    String previewHost = args[1];
    String slug = args[2];
    int rounds = Integer.parseInt(args[3]);
    HazelcastCluster cluster =
        Mains.await(
            HazelcastCluster.join(
                ClusterConfig.fromEnv(Env.system(), true), new SimpleMeterRegistry()),
            WAIT);
    Vertx vertx = cluster.vertx();
    HttpServer elsewhere =
        Mains.await(
            vertx
                .createHttpServer()
                .requestHandler(req -> req.response().end(MOVED))
                .listen(0, "127.0.0.1"),
            WAIT);
    HttpClient edge = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
    SharedMap<Route> routes = cluster.state().routes();
    Route original = Mains.await(routes.get(slug), WAIT);
    if (original == null) throw new IllegalStateException("no route for " + slug);
    Route moved =
        new Route(
            slug, original.nodeId(), "127.0.0.1", elsewhere.actualPort(), original.agentUrl());
    Map<Integer, Long> eventAt = new ConcurrentHashMap<>();
    List<Double> eventMs = new ArrayList<>();
    List<Double> servedMs = new ArrayList<>();
    try (ChangeEvents events =
        ChangeEvents.listen(
            "pier.routes",
            (key, value) -> {
              if (key.equals(slug))
                eventAt.putIfAbsent(
                    value.contains("\"port\":" + moved.port()) ? 1 : 0, System.nanoTime());
            })) {
      // The first request opens the connection and warms this client: not part of any round.
      preview(edge, edgePort, previewHost);
      for (int i = 0; i < rounds; i++) {
        boolean away = i % 2 == 0;
        eventAt.clear();
        long changed = System.nanoTime();
        Mains.await(routes.put(slug, away ? moved : original), WAIT);
        while (!(MOVED.equals(preview(edge, edgePort, previewHost)) == away)) {
          if (System.nanoTime() - changed > WAIT.toNanos())
            throw new IllegalStateException("the edge did not follow the change in round " + i);
        }
        long served = System.nanoTime();
        servedMs.add((served - changed) / 1e6);
        Long event = eventAt.get(away ? 1 : 0);
        if (event != null) eventMs.add((event - changed) / 1e6);
        Thread.sleep(100);
      }
    } finally {
      Mains.await(routes.put(slug, original), WAIT);
    }
    System.out.printf(
        "[edge] route change, %d rounds (moved away and back): edge serves the new route after p50 %.1f ms,"
            + " p99 %.1f ms, max %.1f ms; floor (the change event reaching another member) p50 %.1f ms,"
            + " p99 %.1f ms, max %.1f ms%n",
        rounds,
        pct(servedMs, 50),
        pct(servedMs, 99),
        pct(servedMs, 100),
        pct(eventMs, 50),
        pct(eventMs, 99),
        pct(eventMs, 100));
    List<Integer> slowest = new ArrayList<>();
    for (int i = 0; i < servedMs.size(); i++) slowest.add(i);
    slowest.sort((a, b) -> Double.compare(servedMs.get(b), servedMs.get(a)));
    StringBuilder line = new StringBuilder("[edge] slowest rounds:");
    for (int i : slowest.subList(0, Math.min(3, slowest.size())))
      line.append(String.format(" #%d %.1f ms", i + 1, servedMs.get(i)));
    System.out.println(line);
    Mains.await(edge.close(), WAIT);
    Mains.await(cluster.close(), WAIT);
    System.exit(0);
  }

  /** The preview's body, or its status when it is no 200. */
  private static String preview(HttpClient edge, int port, String host) {
    return Mains.await(
        edge.request(
                new RequestOptions()
                    .setMethod(HttpMethod.GET)
                    .setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1"))
                    .setHost(host)
                    .setPort(port)
                    .setURI("/"))
            .compose(req -> req.send())
            .compose(
                resp ->
                    resp.body()
                        .map(
                            body ->
                                resp.statusCode() == 200
                                    ? body.toString()
                                    : "status " + resp.statusCode())),
        WAIT);
  }

  private static double pct(List<Double> values, int p) {
    if (values.isEmpty()) return Double.NaN;
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int k = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, k)));
  }
}
