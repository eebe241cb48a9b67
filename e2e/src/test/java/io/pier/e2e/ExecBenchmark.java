package io.pier.e2e;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The round trip of an exec of {@code true} (issue 17): {@code POST /api/repls/<slug>/exec} through the edge-proxy to
 * the node-agent and the repl's container and back with the exit code, beside {@code docker exec <container> true}
 * (the Docker CLI) into the same container, same run, alternating in blocks. Prints p50/p99 of each; run with
 * {@code bench/run.sh exec [rounds]}.
 */
public final class ExecBenchmark {
  private ExecBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    try (PierOnLoopback pier = new PierOnLoopback()) {
      HttpClient http = HttpClient.newHttpClient();
      String slug =
          new JsonObject(send(http, pier, "/api/repls", "{\"template\":\"node\"}").body())
              .getString("slug");
      send(http, pier, "/api/repls/" + slug + "/start", "");
      String container = pier.containersOf(slug).get(0).getId();
      String exec = "/api/repls/" + slug + "/exec";
      String body = "{\"cmd\":[\"true\"]}";
      for (int i = 0; i < 20; i++) {
        send(http, pier, exec, body);
        dockerExec(container);
      }
      List<Long> edge = new ArrayList<>();
      List<Long> docker = new ArrayList<>();
      for (int done = 0; done < rounds; done += 10) {
        for (int i = 0; i < 10; i++) {
          long t = System.nanoTime();
          HttpResponse<String> r = send(http, pier, exec, body);
          edge.add(System.nanoTime() - t);
          if (r.statusCode() != 200 || new JsonObject(r.body().strip()).getInteger("exitCode") != 0)
            throw new IllegalStateException("exec failed: " + r.body());
        }
        for (int i = 0; i < 10; i++) {
          long t = System.nanoTime();
          dockerExec(container);
          docker.add(System.nanoTime() - t);
        }
      }
      print("exec through the edge", edge);
      print("docker exec (CLI)   ", docker);
    }
    System.exit(0);
  }

  private static void dockerExec(String container) throws Exception {
    Process p =
        new ProcessBuilder("docker", "exec", container, "true")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (p.waitFor() != 0) throw new IllegalStateException("docker exec failed");
  }

  /** Prints p50, p99 and max of the times. */
  static void print(String what, List<Long> nanos) {
    List<Long> sorted = new ArrayList<>(nanos);
    sorted.sort(Long::compare);
    System.out.printf(
        "%s: n=%d  p50 %.1f ms  p99 %.1f ms  max %.1f ms%n",
        what,
        sorted.size(),
        sorted.get(sorted.size() / 2) / 1e6,
        sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.99) - 1)) / 1e6,
        sorted.get(sorted.size() - 1) / 1e6);
  }

  /** POSTs JSON to the API through the edge as the harness's user. */
  static HttpResponse<String> send(HttpClient http, PierOnLoopback pier, String path, String json)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + path))
            .timeout(Duration.ofSeconds(90))
            .header("Host", PierOnLoopback.DOMAIN)
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + pier.userToken)
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
