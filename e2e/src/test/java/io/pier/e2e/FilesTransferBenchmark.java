package io.pier.e2e;

import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Issue 17: a 100 MiB archive up into a running repl's workspace and down again through the edge-proxy
 * ({@code PUT/GET /api/repls/<slug>/archive/<folder>}) beside {@code docker cp} of the same tar into and out of the
 * same container, same run, alternating, several rounds. Prints one line per transfer and the medians.
 * Run: {@code bench/run.sh files [rounds]} (root, dockerd, the pier-runner-node image).
 */
public final class FilesTransferBenchmark {
  private FilesTransferBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path dir = Files.createDirectories(Path.of("target", "bench-files").toAbsolutePath());
    Path tar = dir.resolve("project.tar");
    writeTar(tar, 100);
    long size = Files.size(tar);
    try (PierOnLoopback pier =
        new PierOnLoopback(PierOnLoopback.Options.fresh().withDiskMb(1024))) {
      String slug =
          new JsonObject(EdgeApi.send(pier, "POST", "/api/repls", "{\"template\":\"node\"}").body())
              .getString("slug");
      HttpResponse<String> started =
          EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/start", "");
      if (started.statusCode() != 200) throw new IllegalStateException(started.body());
      String container = pier.containersOf(slug).get(0).getId();
      HttpClient http = HttpClient.newHttpClient();
      List<Double> up = new ArrayList<>();
      List<Double> down = new ArrayList<>();
      List<Double> cpIn = new ArrayList<>();
      List<Double> cpOut = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        String folder = "bench" + r;
        long t0 = System.nanoTime();
        HttpResponse<String> put =
            http.send(
                request(pier, slug, "/archive/" + folder + "?format=tar")
                    .PUT(HttpRequest.BodyPublishers.ofFile(tar))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        up.add(seconds(t0));
        if (put.statusCode() != 200) throw new IllegalStateException(put.body());
        t0 = System.nanoTime();
        HttpResponse<InputStream> get =
            http.send(
                request(pier, slug, "/archive/" + folder + "?format=tar").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long got;
        try (var in = get.body()) {
          got = in.transferTo(OutputStream.nullOutputStream());
        }
        down.add(seconds(t0));
        t0 = System.nanoTime();
        run(
            "sh",
            "-c",
            "docker exec "
                + container
                + " mkdir -p /workspace/cp"
                + r
                + " && docker cp - "
                + container
                + ":/workspace/cp"
                + r
                + " < "
                + tar);
        cpIn.add(seconds(t0));
        t0 = System.nanoTime();
        run("sh", "-c", "docker cp " + container + ":/workspace/cp" + r + " - > /dev/null");
        cpOut.add(seconds(t0));
        System.out.printf(
            "round %d: api up %.2f s, down %.2f s (%d bytes); docker cp in %.2f s, out %.2f s%n",
            r, up.get(r), down.get(r), got, cpIn.get(r), cpOut.get(r));
        run(
            "sh",
            "-c",
            "docker exec " + container + " rm -rf /workspace/cp" + r + " /workspace/" + folder);
      }
      double mib = size / 1048576.0;
      System.out.printf(
          "archive %.1f MiB; medians: api up %.2f s (%.0f MiB/s), api down %.2f s (%.0f MiB/s), "
              + "docker cp in %.2f s (%.0f MiB/s), docker cp out %.2f s (%.0f MiB/s)%n",
          mib,
          median(up),
          mib / median(up),
          median(down),
          mib / median(down),
          median(cpIn),
          mib / median(cpIn),
          median(cpOut),
          mib / median(cpOut));
    }
  }

  private static HttpRequest.Builder request(PierOnLoopback pier, String slug, String path) {
    return HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + pier.edgePort + "/api/repls/" + slug + path))
        .timeout(Duration.ofMinutes(5))
        .header("Host", PierOnLoopback.DOMAIN)
        .header("Authorization", "Bearer " + pier.userToken);
  }

  /** A project-like tar: 100 files of 1 MiB of random bytes (incompressible), in 10 folders. */
  private static void writeTar(Path tar, int files) throws Exception {
    Random random = new Random(1);
    byte[] data = new byte[1 << 20];
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
      for (int d = 0; d < 10; d++) {
        TarArchiveEntry folder = new TarArchiveEntry("d" + d + "/");
        folder.setIds(1000, 1000);
        out.putArchiveEntry(folder);
        out.closeArchiveEntry();
      }
      for (int i = 0; i < files; i++) {
        random.nextBytes(data);
        TarArchiveEntry e = new TarArchiveEntry("d" + (i % 10) + "/f" + i + ".bin");
        e.setSize(data.length);
        // The repl's user, as docker cp keeps the archive's owners (and the repl can delete them).
        e.setIds(1000, 1000);
        out.putArchiveEntry(e);
        out.write(data);
        out.closeArchiveEntry();
      }
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (p.waitFor() != 0) throw new IllegalStateException("failed: " + String.join(" ", command));
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
