package io.pier.node;

import io.pier.common.repl.Limits;
import io.pier.common.store.StorageLayout;
import io.pier.common.store.s3.EmbeddedS3Server;
import io.pier.common.store.s3.S3Config;
import io.pier.common.store.s3.S3ObjectStore;
import io.pier.node.workspace.WorkspaceSync;
import io.pier.node.workspace.Workspaces;
import io.pier.node.workspace.loop.LoopVolumes;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A restore alone: a 1,000-file, 50 MB project (50 KiB files in 20 folders) from the embedded S3 server into a
 * workspace, Pier's {@link WorkspaceSync#restore} beside {@code aws s3 sync} of the same prefix from the same server
 * into a folder (Debian's awscli), interleaved so that whatever else the machine does weighs on both alike. The
 * workspace is a loop-mounted filesystem of its own when this machine can make one (as a node-agent running as root
 * does), else a folder. Run with {@code bench/run.sh restore [rounds] [transfer threads]}.
 */
public final class RestoreBenchmark {
  private static final int FILES = 1000;
  private static final int FOLDERS = 20;
  private static final int FILE_BYTES = 50 * 1024;

  private RestoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    String id = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    Path data = Files.createDirectories(Path.of("target", id).toAbsolutePath());
    String secret = "bench-secret-" + id;
    // PIER_BENCH_S3_PORT: an embedded S3 server already running in a process of its own on that
    // port (as ./pier up
    // runs it, with PIER_BENCH_S3_SECRET), instead of one in this JVM.
    String external = System.getenv("PIER_BENCH_S3_PORT");
    EmbeddedS3Server s3 =
        external == null
            ? EmbeddedS3Server.start(data.resolve("s3"), "127.0.0.1", 0, "bench", secret)
            : null;
    if (external != null) secret = System.getenv("PIER_BENCH_S3_SECRET");
    int port = external == null ? s3.port() : Integer.parseInt(external);
    ExecutorService transfers = Executors.newFixedThreadPool(threads);
    LoopVolumes volumes = new LoopVolumes(data.resolve("volumes"), 1000, 1000);
    Workspaces workspaces =
        volumes.problem().isEmpty()
            ? new Workspaces(data.resolve("workspaces"), volumes, 1024)
            : new Workspaces(data.resolve("workspaces"));
    URI endpoint = URI.create("http://127.0.0.1:" + port);
    try (S3ObjectStore store =
        new S3ObjectStore(new S3Config(endpoint, "us-east-1", "pier", "bench", secret))) {
      store.ensureBucket();
      byte[] content = new byte[FILE_BYTES];
      Arrays.fill(content, (byte) 'p');
      String prefix = StorageLayout.replFiles("restored");
      store.put(StorageLayout.replMetadata("restored"), "{}".getBytes());
      if (System.getenv("PIER_BENCH_AWS_UPLOAD") == null) {
        for (int i = 0; i < FILES; i++) {
          store.put(prefix + "pkg" + (i % FOLDERS) + "/file" + i + ".txt", content);
        }
      } else {
        Path source = data.resolve("source");
        for (int i = 0; i < FILES; i++) {
          Path file = source.resolve("pkg" + (i % FOLDERS)).resolve("file" + i + ".txt");
          Files.createDirectories(file.getParent());
          Files.write(file, content);
        }
        awsSync(endpoint, secret, source.toString(), "s3://pier/" + prefix);
      }
      WorkspaceSync sync = new WorkspaceSync(store, transfers);
      List<Double> pier = new ArrayList<>();
      List<Double> aws = new ArrayList<>();
      for (int i = 0; i < rounds; i++) {
        workspaces.create("restored", new Limits(1, 512, 1024));
        long t0 = System.nanoTime();
        int restored = sync.restore("restored", workspaces.tree("restored")).files().size();
        pier.add((System.nanoTime() - t0) / 1e6);
        workspaces.remove("restored");
        if (restored != FILES) throw new IllegalStateException("restored " + restored + " files");
        aws.add(awsSync(endpoint, secret, "s3://pier/" + prefix, data.resolve("aws-" + i)));
      }
      System.out.printf(
          "restore %d files / %d MB (%d folders) into a %s, %d transfer threads, over %d rounds:"
              + " pier p50 %.0f ms (min %.0f)   aws s3 sync p50 %.0f ms (min %.0f)   ratio %.2fx%n",
          FILES,
          FILES * FILE_BYTES / 1_000_000,
          FOLDERS,
          volumes.problem().isEmpty() ? "loop-mounted ext4 workspace" : "plain folder",
          threads,
          rounds,
          percentile(pier, 50),
          percentile(pier, 0),
          percentile(aws, 50),
          percentile(aws, 0),
          percentile(aws, 50) / percentile(pier, 50));
      System.out.printf("  by round (ms): pier %s   aws s3 sync %s%n", rounded(pier), rounded(aws));
    } finally {
      transfers.shutdownNow();
      for (String slug : workspaces.present()) workspaces.remove(slug);
      if (s3 != null) s3.close();
    }
  }

  /** Milliseconds {@code aws s3 sync} takes from the prefix into a new folder, which it then deletes. */
  private static double awsSync(URI endpoint, String secret, String from, Path into)
      throws IOException, InterruptedException {
    double ms = awsSync(endpoint, secret, from, into.toString());
    Workspaces.delete(into);
    return ms;
  }

  private static double awsSync(URI endpoint, String secret, String from, String into)
      throws IOException, InterruptedException {
    ProcessBuilder command =
        new ProcessBuilder(
                System.getenv().getOrDefault("AWS_CLI", "/usr/bin/aws"),
                "--endpoint-url",
                endpoint.toString(),
                "s3",
                "sync",
                "--only-show-errors",
                from,
                into)
            .inheritIO();
    command
        .environment()
        .putAll(
            Map.of(
                "AWS_ACCESS_KEY_ID",
                "bench",
                "AWS_SECRET_ACCESS_KEY",
                secret,
                "AWS_DEFAULT_REGION",
                "us-east-1"));
    long t0 = System.nanoTime();
    int code = command.start().waitFor();
    double ms = (System.nanoTime() - t0) / 1e6;
    if (code != 0) throw new IllegalStateException("aws s3 sync exited with " + code);
    return ms;
  }

  private static String rounded(List<Double> values) {
    return values.stream().map(v -> String.format("%.0f", v)).toList().toString();
  }

  private static double percentile(List<Double> values, int p) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    return sorted.get(
        Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
  }
}
