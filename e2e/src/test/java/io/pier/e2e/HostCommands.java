package io.pier.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the host's tools (ip, nsenter, docker, umount) to completion, with their output for the failure message. */
final class HostCommands {
  private static final Duration LIMIT = Duration.ofMinutes(3);

  /** What a command said and how it ended. */
  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  private HostCommands() {}

  /** Runs the command; a non-zero exit is the caller's to judge. */
  static Result run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      // Read before waiting: a command that fills the pipe would otherwise never end.
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(124, new String(output, StandardCharsets.UTF_8));
      }
      return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(127, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(130, "interrupted");
    }
  }

  static Result run(String... command) {
    return run(List.of(command));
  }

  /** Runs the command and returns its output; any failure is the test's. */
  static String must(List<String> command) {
    Result result = run(command);
    if (!result.ok()) {
      throw new IllegalStateException(
          String.join(" ", command)
              + " failed (exit "
              + result.exitCode()
              + "): "
              + result.output().strip());
    }
    return result.output();
  }

  static String must(String... command) {
    return must(List.of(command));
  }
}
