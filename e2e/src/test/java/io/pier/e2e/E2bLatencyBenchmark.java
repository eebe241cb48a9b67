package io.pier.e2e;

import io.pier.edge.EdgeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * Create to first command (issue 20), in one run against one Pier behind its edge with TLS: the unchanged E2B SDK's
 * {@code Sandbox.create()} then {@code commands.run('true')}, beside Pier's own API with the same key (create, start,
 * exec {@code true}), alternating round by round (src/test/e2b-sdk/latency.mjs). Run with
 * {@code bench/run.sh e2b [rounds]}; docs/e2b.md records the figures.
 */
public final class E2bLatencyBenchmark {
  private E2bLatencyBenchmark() {}

  public static void main(String[] args) throws Exception {
    String rounds = args.length > 0 ? args[0] : "10";
    Path dir =
        Files.createDirectories(
            Path.of("target", "e2b-bench-" + UUID.randomUUID().toString().substring(0, 8))
                .toAbsolutePath());
    E2bSdk.Edge edge = E2bSdk.Edge.create(dir.resolve("tls"));
    int status;
    try (PierOnLoopback pier =
        new PierOnLoopback(
            PierOnLoopback.Options.fresh(),
            EdgeConfig.Capacity.defaults(),
            edge.address(),
            edge.tls())) {
      E2bSdk sdk = E2bSdk.install(dir.resolve("sdk"), edge, E2bSdk.apiKey(pier, "e2b-bench"));
      status = sdk.node(Duration.ofMinutes(60), "latency.mjs", rounds).exitCode();
    }
    System.exit(status);
  }
}
