package io.pier.node.workspace.loop;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@link Shell} on real processes, each given a time limit. */
final class ProcessShell implements Shell {
  private final Duration timeout;

  ProcessShell(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public Result run(List<String> command) {
    Path output = null;
    try {
      // Output goes to a file rather than a pipe, so a command that hangs cannot also hang the
      // read.
      output = Files.createTempFile("pier-cmd", ".out");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return new Result(-1, command.get(0) + " did not finish within " + timeout);
      }
      return new Result(
          process.exitValue(), Files.readString(output, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      // Typically the command is not installed.
      return new Result(-1, "cannot run " + command.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(
          new IOException("interrupted while running " + command.get(0), e));
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException ignored) {
          // a temporary file of a few bytes
        }
      }
    }
  }
}
