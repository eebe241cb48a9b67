package io.pier.client.cli;

import io.pier.client.PierClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * {@code pierctl login --url URL [--key KEY]}: checks the key against Pier ({@code /api/auth/me}) before storing it,
 * so a typo is found now rather than at the next command. Without {@code --key} it is read from stdin, which keeps it
 * out of the shell's history.
 */
final class Login {
  private final ConfigStore config;
  private final InputStream stdin;
  private final PrintStream out;

  Login(ConfigStore config, InputStream stdin, PrintStream out) {
    this.config = config;
    this.stdin = stdin;
    this.out = out;
  }

  int run(List<String> args) throws IOException {
    Arguments a = Arguments.parse(args, Set.of("--url", "--key"), Commands.NONE).atMost(0);
    String url = a.option("--url");
    if (url == null) throw new UsageError("login needs --url URL (Pier's address)");
    URI base;
    try {
      base = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new UsageError("not a URL: " + url);
    }
    if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme()))
      throw new UsageError("the URL must start with http:// or https://: " + url);
    String key = a.option("--key");
    if (key == null) {
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
      String line = reader.readLine();
      key = line == null ? "" : line.strip();
    }
    if (key.isEmpty()) throw new UsageError("no key given (--key KEY, or the key on stdin)");
    String who = PierClient.connect(base, key).whoAmI();
    config.save(new ConfigStore.Login(url, key));
    out.println("logged in to " + url + " as " + who + " (stored in " + config.file() + ")");
    return 0;
  }
}
