package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.config.Mains;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A hostile repl (disk filler, fork bomb, memory bomb, CPU spinners) leaves its node-agent healthy, its node's disk
 * and its neighbour answering. Prints the neighbour's preview latency idle and under that load.
 */
class HostileReplIT {
  /** The workspace size of the test's repls, small so that filling it is quick. */
  private static final long QUOTA_MB = 256;

  private static final long MIB = 1024L * 1024L;

  @Test
  void bombsInOneReplLeaveTheNodeHealthyAndTheNeighbourAnswering() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (PierOnLoopback pier =
        new PierOnLoopback(PierOnLoopback.Options.fresh().withDiskMb(QUOTA_MB))) {
      String hostile = start(pier);
      String neighbour = start(pier);
      List<Double> idle = latencies(pier, neighbour, 30);

      try (SessionClient s = SessionClient.connect(vertx, pier, hostile)) {
        int term = s.request("term.open", new JsonObject()).getInteger("term");
        // The disk first: once the fork bomb holds every process slot, nothing more can be started
        // in the repl.
        fillTheDisks(pier, s, term, hostile, neighbour);
        s.sendInput(term, "for i in 1 2 3 4; do (while :; do :; done) & done\n");
        s.sendInput(term, "node -e 'let a=[];setInterval(()=>a.push(Buffer.alloc(64e6,1)),5)' &\n");
        s.sendInput(term, "bomb() { bomb | bomb & }; bomb\n");
        s.sendInput(term, "echo bombs-$((2+3))\n");
        // The bombs are away when this shows; the fork bomb may keep the shell from printing more,
        // which is fine.
        s.awaitOutput(term, "bombs-5");
        List<Double> loaded = latencies(pier, neighbour, 30);
        System.out.printf(
            "[hostile] neighbour preview latency idle: p50 %.1f ms, p95 %.1f ms; "
                + "under fork bomb + memory bomb + 4 CPU spinners next door: p50 %.1f ms, p95 %.1f ms%n",
            pct(idle, 50), pct(idle, 95), pct(loaded, 50), pct(loaded, 95));
        HttpResponse<String> health =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + pier.nodePort + "/healthz"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), "the node-agent stays healthy");
        assertTrue(pct(loaded, 95) < 2000, "the neighbour keeps answering promptly");
      }
      assertEquals(
          200,
          EdgeApi.send(pier, "POST", "/api/repls/" + hostile + "/stop", "").statusCode(),
          "the hostile repl can still be stopped");
      assertTrue(pier.containersOf(hostile).isEmpty());
      assertEquals(
          "saved once there was room",
          new String(
              pier.store.get("repls/" + hostile + "/files/after-full.txt").orElseThrow(),
              StandardCharsets.UTF_8),
          "its files reach storage on stop");
      assertTrue(pier.store.get("repls/" + hostile + "/files/fill").isEmpty());
    } finally {
      Mains.await(vertx.close(), Duration.ofSeconds(10));
    }
  }

  /**
   * Fills the workspace and /tmp: each write stops at its size, the node's disk loses no more than the workspace's
   * size, the IDE's save fails cleanly while it is full and works again once there is room.
   */
  private static void fillTheDisks(
      PierOnLoopback pier, SessionClient s, int term, String hostile, String neighbour)
      throws Exception {
    Path data = pier.dataDir;
    long freeBefore = Files.getFileStore(data).getUsableSpace();
    long storedBefore = bytesUnder(data.resolve("s3"));
    // count= caps the damage if the size did not hold: 4 times the size, not the node's whole disk.
    s.sendInput(
        term,
        "dd if=/dev/zero of=/workspace/fill bs=1M count="
            + 4 * QUOTA_MB
            + " 2>&1; "
            + "echo filled-$((40+2))\n");
    String out = s.awaitOutput(term, "filled-42");
    assertTrue(out.contains("No space left on device"), out);
    long written = Files.size(pier.workspace(hostile).resolve("fill"));
    // What the write-behind queue uploads to the embedded S3 server (on this same disk) is not the
    // workspace's.
    long lost =
        freeBefore
            - Files.getFileStore(data).getUsableSpace()
            - (bytesUnder(data.resolve("s3")) - storedBefore);
    System.out.printf(
        "[hostile] disk filler: dd stopped at %d MiB in a %d MiB workspace; the node's disk lost %d MiB%n",
        written / MIB, QUOTA_MB, lost / MIB);
    assertTrue(
        written > QUOTA_MB * MIB * 8 / 10 && written <= QUOTA_MB * MIB,
        "stopped at about the size: " + written);
    assertTrue(lost < (QUOTA_MB + 64) * MIB, "the node's disk lost " + lost / MIB + " MiB");

    JsonObject refused =
        s.request(
            "fs.write",
            new JsonObject().put("path", "while-full.txt").put("content", "x".repeat(1 << 20)));
    assertEquals("disk_full", refused.getString("error"), refused.encode());

    s.sendInput(
        term, "dd if=/dev/zero of=/tmp/fill bs=1M count=1024 2>&1; echo tmp-filled-$((40+3))\n");
    assertTrue(
        s.awaitOutput(term, "tmp-filled-43").contains("No space left on device"),
        "/tmp has a size too");

    HttpResponse<String> health =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.nodePort + "/healthz"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(
        200, health.statusCode(), "the node-agent stays healthy with a full workspace next door");
    latencies(pier, neighbour, 10);

    s.sendInput(term, "rm /workspace/fill /tmp/fill; echo cleaned-$((40+4))\n");
    s.awaitOutput(term, "cleaned-44");
    JsonObject saved =
        s.request(
            "fs.write",
            new JsonObject()
                .put("path", "after-full.txt")
                .put("content", "saved once there was room"));
    assertTrue(saved.getBoolean("ok"), saved.encode());
  }

  private static long bytesUnder(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) return 0;
    try (var files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static String start(PierOnLoopback pier) throws Exception {
    String slug =
        new JsonObject(EdgeApi.send(pier, "POST", "/api/repls", "{\"template\":\"node\"}").body())
            .getString("slug");
    assertEquals(200, EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/start", "").statusCode());
    return slug;
  }

  /** Preview round trips through the edge-proxy, each of which must answer 200. */
  private static List<Double> latencies(PierOnLoopback pier, String slug, int count)
      throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    List<Double> ms = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> page =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + "/"))
                  .header("Host", slug + "." + PierOnLoopback.DOMAIN)
                  .timeout(Duration.ofSeconds(10))
                  .build(),
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
