package io.pier.e2e;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One long-running process this test started (a service in a host's namespace, a dockerd), with its output in a log
 * file. It is stopped by its own pid: SIGTERM, then SIGKILL when it has not exited in time.
 */
final class HostProcess implements AutoCloseable {
  /** HTTP/1.1: the JDK's HTTP/2 upgrade attempts draw RST_STREAM from the node-agent's server. */
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  final String name;
  final Path log;
  private final Process process;
  private final Duration stopGrace;

  private HostProcess(String name, Process process, Path log, Duration stopGrace) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.stopGrace = stopGrace;
  }

  /**
   * Starts {@code command} with exactly {@code env} on top of a clean environment (no PIER_* or DOCKER_HOST of the
   * machine running the tests leaks in).
   *
   * @param stopGrace how long a SIGTERM may take before SIGKILL (a node-agent drains its repls' changes first)
   */
  static HostProcess start(
      String name, List<String> command, Map<String, String> env, Path log, Duration stopGrace)
      throws IOException {
    Files.createDirectories(log.getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder
        .environment()
        .keySet()
        .removeIf(key -> key.startsWith("PIER_") || key.startsWith("DOCKER_"));
    builder.environment().putAll(env);
    return new HostProcess(name, builder.start(), log, stopGrace);
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Waits until {@code url} answers 200 (sent with {@code Host: host}), failing as soon as the process has exited. */
  void awaitHttp(URI url, String host, Duration within) {
    String[] last = {"no answer yet"};
    awaitReady(
        within,
        () -> {
          try {
            HttpRequest request =
                HttpRequest.newBuilder(url)
                    .header("Host", host)
                    .timeout(Duration.ofSeconds(5))
                    .build();
            HttpResponse<String> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            last[0] = url + " answered " + answer.statusCode() + " " + answer.body();
            return answer.statusCode() == 200;
          } catch (IOException notYet) {
            last[0] = url + ": " + notYet;
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        },
        () -> last[0]);
  }

  void awaitReady(Duration within, BooleanSupplier ready) {
    awaitReady(within, ready, () -> "");
  }

  /** Polls {@code ready} every 200 ms until it holds, failing with the log's tail if the process exits first. */
  void awaitReady(Duration within, BooleanSupplier ready, Supplier<String> lastSeen) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!ready.getAsBoolean()) {
      if (!process.isAlive())
        throw new IllegalStateException(name + " exited (" + process.exitValue() + "): " + tail());
      if (System.nanoTime() > deadline)
        throw new IllegalStateException(
            name + " not ready in " + within + " (" + lastSeen.get() + "): " + tail());
      try {
        process.onExit().get(200, TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillRunning) {
        // not ready yet: ask again
      } catch (ExecutionException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Waits until the process has printed {@code line} as a line of its own, failing as soon as it has exited. */
  void awaitLine(String line, Duration within) {
    awaitReady(within, () -> logLines().contains(line), () -> "no line \"" + line + "\" yet");
  }

  private List<String> logLines() {
    try {
      return Files.readAllLines(log);
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The last lines of the log, for failure messages. */
  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** SIGTERM, then SIGKILL after the grace period; returns once the process is gone. */
  @Override
  public void close() {
    if (!process.isAlive()) return;
    process.destroy();
    try {
      process.onExit().get(stopGrace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      process.destroyForcibly().onExit().join();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
