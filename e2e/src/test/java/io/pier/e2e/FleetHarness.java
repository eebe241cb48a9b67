package io.pier.e2e;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Fleet scenarios shared by tests and benchmarks. */
public final class FleetHarness {
  private FleetHarness() {}

  /** How long the repls of a killed node took to serve again elsewhere. */
  public record Failover(int repls, long millis) {}

  /** Starts a fleet, places {@code repls} repls, SIGKILLs the busiest node-agent and times the recovery. */
  public static Failover killTheBusiestNode(int nodes, int repls) throws Exception {
    try (PierOnLoopback pier =
        new PierOnLoopback(PierOnLoopback.Options.fleet(nodes, 1, Duration.ZERO))) {
      Map<String, List<String>> byNode = new HashMap<>();
      for (int i = 0; i < repls; i++) {
        String slug =
            new JsonObject(
                    EdgeApi.send(pier, "POST", "/api/repls", "{\"template\":\"node\"}").body())
                .getString("slug");
        EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/start", "");
        byNode.computeIfAbsent(EdgeApi.nodeOf(pier, slug), n -> new ArrayList<>()).add(slug);
      }
      String busiest =
          byNode.entrySet().stream()
              .max(Map.Entry.comparingByValue(Comparator.comparingInt(List::size)))
              .orElseThrow()
              .getKey();
      PierOnLoopback.Node victim =
          pier.nodes.stream().filter(n -> n.id.equals(busiest)).findFirst().orElseThrow();
      List<String> lost = byNode.get(busiest);
      long killedAt = System.nanoTime();
      pier.killNode(victim);
      HttpClient http = HttpClient.newHttpClient();
      for (String slug : lost) {
        while (true) {
          JsonObject repl =
              new JsonObject(EdgeApi.asAdmin(pier, "GET", "/api/repls/" + slug, null).body());
          if ("running".equals(repl.getString("state"))
              && !busiest.equals(repl.getString("node"))) {
            HttpResponse<String> page =
                http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + "/"))
                        .header("Host", slug + "." + PierOnLoopback.DOMAIN)
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (page.statusCode() == 200) break;
          }
          if (System.nanoTime() - killedAt > TimeUnit.SECONDS.toNanos(120))
            throw new AssertionError("no failover");
          TimeUnit.MILLISECONDS.sleep(50);
        }
      }
      return new Failover(lost.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
    }
  }
}
