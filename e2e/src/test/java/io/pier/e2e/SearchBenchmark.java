package io.pier.e2e;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;

/**
 * The IDE's search across files (issue 18): {@code fs.search} over the session WebSocket through the edge on a repl
 * of 10,000 source files, beside {@code docker exec <container> grep -rn} of the same word in the same workspace (the
 * floor: a search inside the container with nothing between), same run, alternating in blocks; Go to file's
 * {@code fs.files} beside {@code docker exec find -type f}. Prints p50/p99 of each; run with {@code bench/run.sh search
 * [rounds]}.
 */
public final class SearchBenchmark {
  private static final int FILES = 10_000;

  private SearchBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    Vertx vertx = Vertx.vertx();
    try (PierOnLoopback pier = new PierOnLoopback()) {
      HttpClient http = HttpClient.newHttpClient();
      String slug =
          new JsonObject(
                  ExecBenchmark.send(http, pier, "/api/repls", "{\"template\":\"node\"}").body())
              .getString("slug");
      ExecBenchmark.send(http, pier, "/api/repls/" + slug + "/start", "");
      String container = pier.containersOf(slug).get(0).getId();
      // 100 folders of 100 files of about 1 KiB each; one line in every hundredth file holds the
      // word.
      docker(
          container,
          "node",
          "-e",
          "const fs = require('fs'); const body = Array.from({length: 300}, (_, i) => i + 1).join('\\n') + '\\n';"
              + " for (let d = 1; d <= 100; d++) { fs.mkdirSync('/workspace/src/m' + d, {recursive: true});"
              + " for (let f = 1; f <= 100; f++) fs.writeFileSync('/workspace/src/m' + d + '/f' + f + '.js',"
              + " f === 1 ? body + 'const wanted = zebrafinch;\\n' : body); }");
      try (SessionClient session = SessionClient.connect(vertx, pier, slug)) {
        JsonObject search = new JsonObject().put("query", "zebrafinch");
        JsonObject first = SessionClient.ok(session.request("fs.search", search));
        int hits = first.getJsonArray("hits").size();
        if (hits != 100 || first.getBoolean("truncated"))
          throw new IllegalStateException("expected 100 hits: " + first.encode());
        List<Long> pier1 = new ArrayList<>();
        List<Long> grep = new ArrayList<>();
        List<Long> files = new ArrayList<>();
        List<Long> find = new ArrayList<>();
        for (int done = 0; done < rounds; done += 5) {
          for (int i = 0; i < 5; i++) {
            long t = System.nanoTime();
            SessionClient.ok(session.request("fs.search", search));
            pier1.add(System.nanoTime() - t);
            t = System.nanoTime();
            SessionClient.ok(session.request("fs.files", new JsonObject()));
            files.add(System.nanoTime() - t);
          }
          for (int i = 0; i < 5; i++) {
            long t = System.nanoTime();
            docker(container, "grep", "-rn", "zebrafinch", "/workspace/src");
            grep.add(System.nanoTime() - t);
            t = System.nanoTime();
            docker(container, "find", "/workspace", "-type", "f");
            find.add(System.nanoTime() - t);
          }
        }
        System.out.printf("workspace: %d files, %d hits%n", FILES, hits);
        ExecBenchmark.print("fs.search through the edge  ", pier1);
        ExecBenchmark.print("docker exec grep -rn (floor)", grep);
        ExecBenchmark.print("fs.files through the edge   ", files);
        ExecBenchmark.print("docker exec find (floor)    ", find);
      }
    } finally {
      vertx.close();
    }
    System.exit(0);
  }

  private static void docker(String container, String... command) throws Exception {
    List<String> argv = new ArrayList<>(List.of("docker", "exec", container));
    argv.addAll(List.of(command));
    Process p =
        new ProcessBuilder(argv)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (p.waitFor() != 0) throw new IllegalStateException("failed: " + argv);
  }
}
