package io.pier.e2e;

import static io.pier.e2e.DurabilityIT.api;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.config.Mains;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A hostile repl (fork bomb, memory bomb, CPU spinners) leaves its node-agent healthy and its neighbour answering.
 * Prints the neighbour's preview latency idle and under that load.
 */
class HostileReplIT {

  @Test
  void bombsInOneReplLeaveTheNodeHealthyAndTheNeighbourAnswering() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (PierOnLoopback pier = new PierOnLoopback()) {
      String hostile = start(pier);
      String neighbour = start(pier);
      List<Double> idle = latencies(pier, neighbour, 30);

      try (SessionClient s = SessionClient.connect(vertx, pier, hostile)) {
        int term = s.request("term.open", new JsonObject()).getInteger("term");
        s.sendInput(term, "for i in 1 2 3 4; do (while :; do :; done) & done\n");
        s.sendInput(term, "node -e 'let a=[];setInterval(()=>a.push(Buffer.alloc(64e6,1)),5)' &\n");
        s.sendInput(term, "bomb() { bomb | bomb & }; bomb\n");
        s.sendInput(term, "echo bombs-$((2+3))\n");
        // The bombs are away when this shows; the fork bomb may keep the shell from printing more, which is fine.
        s.awaitOutput(term, "bombs-5");
        List<Double> loaded = latencies(pier, neighbour, 30);
        System.out.printf("[hostile] neighbour preview latency idle: p50 %.1f ms, p95 %.1f ms; "
                + "under fork bomb + memory bomb + 4 CPU spinners next door: p50 %.1f ms, p95 %.1f ms%n",
            pct(idle, 50), pct(idle, 95), pct(loaded, 50), pct(loaded, 95));
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + pier.nodePort + "/healthz")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), "the node-agent stays healthy");
        assertTrue(pct(loaded, 95) < 2000, "the neighbour keeps answering promptly");
      }
      assertEquals(200, api(pier, "POST", "/api/repls/" + hostile + "/stop", "").statusCode(),
          "the hostile repl can still be stopped");
      assertTrue(pier.containersOf(hostile).isEmpty());
    } finally {
      Mains.await(vertx.close(), Duration.ofSeconds(10));
    }
  }

  private static String start(PierOnLoopback pier) throws Exception {
    String slug = new JsonObject(api(pier, "POST", "/api/repls", "{\"template\":\"node\"}").body()).getString("slug");
    assertEquals(200, api(pier, "POST", "/api/repls/" + slug + "/start", "").statusCode());
    return slug;
  }

  /** Preview round trips through the edge-proxy, each of which must answer 200. */
  private static List<Double> latencies(PierOnLoopback pier, String slug, int count) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + "/"))
          .header("Host", slug + "." + PierOnLoopback.DOMAIN).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      ms.add((System.nanoTime() - t0) / 1e6);
      assertEquals(200, page.statusCode());
    }
    return ms;
  }

  private static double pct(List<Double> values, int p) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
