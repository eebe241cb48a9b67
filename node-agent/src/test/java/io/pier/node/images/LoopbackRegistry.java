package io.pier.node.images;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code docker-registry} (the CNCF distribution registry) on a loopback port, storing in a folder of the
 * test's: dockerd pushes to and pulls from 127.0.0.0/8 registries over plain HTTP. Closing ends the process it
 * started, by its handle.
 */
public final class LoopbackRegistry implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final int port;

  private LoopbackRegistry(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** @throws IllegalStateException when docker-registry is not installed or does not answer */
  public static LoopbackRegistry start(Path dir) throws IOException, InterruptedException {
    Path binary = Path.of("/usr/bin/docker-registry");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "docker-registry is missing: apt-get install docker-registry (./pier test does)");
    }
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Path config =
        Files.writeString(
            Files.createDirectories(dir).resolve("config.yml"),
            String.join(
                "\n",
                "version: 0.1",
                "log:",
                "  level: warn",
                "storage:",
                "  filesystem:",
                "    rootdirectory: " + dir.resolve("storage"),
                "http:",
                "  addr: 127.0.0.1:" + port,
                ""));
    Process process =
        new ProcessBuilder(binary.toString(), "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("registry.log").toFile())
            .start();
    LoopbackRegistry registry = new LoopbackRegistry(process, port);
    try {
      registry.awaitAnswer(dir.resolve("registry.log"));
    } catch (RuntimeException | InterruptedException e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  /** {@code 127.0.0.1:<port>}, as image references name it. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  private void awaitAnswer(Path log) throws InterruptedException, IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("docker-registry exited: " + Files.readString(log));
      }
      try {
        var response =
            http.send(
                HttpRequest.newBuilder(URI.create("http://" + address() + "/v2/")).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) return;
      } catch (IOException notYetListening) {
        // polled again below
      }
      process.waitFor(100, TimeUnit.MILLISECONDS);
    }
    throw new IllegalStateException(
        "docker-registry did not answer on " + address() + " within " + START_TIMEOUT);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
