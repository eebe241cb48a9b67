package io.pier.client.cli;

import io.pier.client.PierClient;
import io.pier.client.PierException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code pierctl}, the user's command (the operator's is {@code ./pier}): reads the command line, runs one command
 * through the client library, and turns every failure into one line on stderr and an exit code: 1 when Pier refused
 * or could not be reached, 2 for a usage error. {@code exec} exits with the command's own code.
 */
public final class PierCtl {
  static final int FAILED = 1;
  static final int USAGE = 2;

  private final ConfigStore config;
  private final InputStream stdin;
  private final PrintStream out;
  private final PrintStream err;

  PierCtl(ConfigStore config, InputStream stdin, PrintStream out, PrintStream err) {
    this.config = config;
    this.stdin = stdin;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    ConfigStore config = new ConfigStore(ConfigStore.defaultFile(env), env);
    int code = new PierCtl(config, System.in, System.out, System.err).run(args);
    System.out.flush();
    System.exit(code);
  }

  int run(String... args) {
    List<String> all = Arrays.asList(args);
    String command = all.isEmpty() ? "help" : all.get(0);
    List<String> rest = all.isEmpty() ? List.of() : all.subList(1, all.size());
    try {
      return dispatch(command, rest);
    } catch (UsageError e) {
      err.println(ErrorText.of(e.getMessage()));
      err.println("Try 'pierctl help'.");
      return USAGE;
    } catch (PierException e) {
      err.println(ErrorText.of(e));
      return FAILED;
    } catch (ConfigStore.NotLoggedIn e) {
      err.println(ErrorText.of(e.getMessage()));
      return FAILED;
    } catch (UncheckedIOException e) {
      err.println(ErrorText.of(e.getCause().getMessage()));
      return FAILED;
    } catch (IOException e) {
      err.println(ErrorText.of(e.getMessage()));
      return FAILED;
    } finally {
      out.flush();
    }
  }

  private int dispatch(String command, List<String> args) throws IOException {
    return switch (command) {
      case "help", "--help", "-h" -> {
        out.print(HelpText.TEXT);
        yield 0;
      }
      case "completion" -> {
        String shell =
            Arguments.parse(args, Commands.NONE, Commands.NONE)
                .atMost(1)
                .required(0, "shell (bash)");
        if (!shell.equals("bash"))
          throw new UsageError("only bash completion is offered, not " + shell);
        out.print(BashCompletion.SCRIPT);
        yield 0;
      }
      case "login" -> new Login(config, stdin, out).run(args);
      case "logout" -> {
        Arguments.parse(args, Commands.NONE, Commands.NONE).atMost(0);
        out.println(config.forget() ? "logged out" : "was not logged in");
        yield 0;
      }
      default -> new Commands(this::client, stdin, out, err).run(command, args);
    };
  }

  private PierClient client() {
    ConfigStore.Login login;
    try {
      login = config.load();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + config.file() + ": " + e.getMessage(), e);
    }
    return PierClient.connect(URI.create(login.url()), login.key());
  }
}
