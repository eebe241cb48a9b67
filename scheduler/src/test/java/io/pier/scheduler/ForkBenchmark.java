package io.pier.scheduler;

import io.pier.common.store.StorageLayout;
import io.pier.common.store.s3.EmbeddedS3Server;
import io.pier.common.store.s3.S3Config;
import io.pier.common.store.s3.S3ObjectStore;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A fork's file copy ({@link StorageCopy}, what {@code POST /api/repls/<slug>/fork} does to storage) of a 1,000-file
 * repl on the embedded S3 server, beside its floor in the same run: {@code aws s3 cp --recursive} from the same prefix
 * to another on the same server (Debian's awscli, server-side copies too), interleaved round by round. Run by {@code
 * bench/run.sh fork [rounds]}.
 */
public final class ForkBenchmark {
  private static final int FILES = 1000;
  private static final int FOLDERS = 20;
  private static final int FILE_BYTES = 50 * 1024;

  private ForkBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    String id = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    Path data = Files.createDirectories(Path.of("target", id).toAbsolutePath());
    String secret = "bench-secret-" + id;
    EmbeddedS3Server s3 =
        EmbeddedS3Server.start(data.resolve("s3"), "127.0.0.1", 0, "bench", secret);
    URI endpoint = URI.create("http://127.0.0.1:" + s3.port());
    Vertx vertx = Vertx.vertx();
    try (S3ObjectStore store =
        new S3ObjectStore(new S3Config(endpoint, "us-east-1", "pier", "bench", secret))) {
      store.ensureBucket();
      byte[] content = new byte[FILE_BYTES];
      Arrays.fill(content, (byte) 'p');
      String from = StorageLayout.replFiles("original");
      for (int i = 0; i < FILES; i++) {
        store.put(from + "pkg" + (i % FOLDERS) + "/file" + i + ".txt", content);
      }
      StorageCopy copies = new StorageCopy(store, work -> vertx.executeBlocking(work, false));
      List<Double> pier = new ArrayList<>();
      List<Double> aws = new ArrayList<>();
      for (int i = 0; i < rounds; i++) {
        String to = StorageLayout.replFiles("fork-" + i);
        long t0 = System.nanoTime();
        // On a Vert.x context, as the scheduler runs it: the copy's lanes share that context's
        // thread.
        Promise<Integer> copied = Promise.promise();
        vertx.runOnContext(v -> copies.copy(from, to, name -> true).onComplete(copied));
        int n = copied.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
        pier.add((System.nanoTime() - t0) / 1e6);
        if (n != FILES) throw new IllegalStateException("copied " + n + " files");
        aws.add(awsCopy(endpoint, secret, "s3://pier/" + from, "s3://pier/aws-" + i + "/"));
      }
      System.out.printf(
          "fork of %d files / %d MB (%d folders), %d copies at once, over %d rounds:"
              + " pier p50 %.0f ms (min %.0f)   aws s3 cp --recursive p50 %.0f ms (min %.0f)   aws / pier %.2fx%n",
          FILES,
          FILES * FILE_BYTES / 1_000_000,
          FOLDERS,
          StorageCopy.PARALLEL,
          rounds,
          percentile(pier, 50),
          percentile(pier, 0),
          percentile(aws, 50),
          percentile(aws, 0),
          percentile(aws, 50) / percentile(pier, 50));
    } finally {
      vertx.close();
      s3.close();
    }
  }

  /** Milliseconds {@code aws s3 cp --recursive} takes from one prefix of the server to another. */
  private static double awsCopy(URI endpoint, String secret, String from, String to)
      throws IOException, InterruptedException {
    ProcessBuilder command =
        new ProcessBuilder(
                System.getenv().getOrDefault("AWS_CLI", "/usr/bin/aws"),
                "--endpoint-url",
                endpoint.toString(),
                "s3",
                "cp",
                "--recursive",
                "--only-show-errors",
                from,
                to)
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
    if (code != 0) throw new IllegalStateException("aws s3 cp exited with " + code);
    return ms;
  }

  private static double percentile(List<Double> values, int p) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    return sorted.get(
        Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
  }
}
