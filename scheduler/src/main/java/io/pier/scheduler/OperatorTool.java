package io.pier.scheduler;

import io.pier.common.auth.TokenSigner;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The operator's commands, run on a machine that has the fleet's {@code PIER_AUTH_SECRET} (whoever has it can sign
 * any token, so nothing more is asked):
 * <pre>
 *   metrics-token               prints the token Prometheus sends to /metrics
 *   operator-token [minutes]    prints an administrator's token (subject service:operator) for the API, valid for
 *                               the minutes given (default 60, at most a day): Ansible's remove-node and
 *                               rolling-upgrade playbooks drain nodes with it
 *   admin &lt;username&gt; [--revoke]  makes an existing account an administrator (or takes that away) through a
 *                               scheduler's API (PIER_SCHEDULER_URL, else http://127.0.0.1:$PIER_SCHEDULER_PORT)
 * </pre>
 * {@code ./pier metrics-token} and {@code ./pier admin} run it with {@code ./pier up}'s settings.
 */
public final class OperatorTool {
  private static final int DEFAULT_OPERATOR_MINUTES = 60;
  private static final int MAX_OPERATOR_MINUTES = 24 * 60;

  private OperatorTool() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /** @return the exit status */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    String secret = env.get("PIER_AUTH_SECRET");
    if (!TokenSigner.problems(secret).isEmpty()) {
      err.println("PIER_AUTH_SECRET: " + String.join("; ", TokenSigner.problems(secret)));
      return 2;
    }
    TokenSigner tokens = new TokenSigner(secret, Clock.systemUTC());
    if (args.length == 1 && args[0].equals("metrics-token")) {
      out.println(tokens.metricsToken());
      return 0;
    }
    if (args.length >= 1 && args.length <= 2 && args[0].equals("operator-token")) {
      return operatorToken(
          args.length == 2 ? args[1] : String.valueOf(DEFAULT_OPERATOR_MINUTES), tokens, out, err);
    }
    if (args.length >= 2
        && args.length <= 3
        && args[0].equals("admin")
        && (args.length == 2 || args[2].equals("--revoke"))) {
      return admin(args[1], args.length == 2, tokens, env, out, err);
    }
    err.println("usage: metrics-token | operator-token [minutes] | admin <username> [--revoke]");
    return 2;
  }

  private static int operatorToken(
      String minutes, TokenSigner tokens, PrintStream out, PrintStream err) {
    int valid;
    try {
      valid = Integer.parseInt(minutes);
    } catch (NumberFormatException e) {
      valid = -1;
    }
    if (valid < 1 || valid > MAX_OPERATOR_MINUTES) {
      err.println(
          "operator-token: minutes must be a whole number from 1 to " + MAX_OPERATOR_MINUTES);
      return 2;
    }
    out.println(tokens.issue("service:operator", true, Duration.ofMinutes(valid)));
    return 0;
  }

  private static int admin(
      String username,
      boolean admin,
      TokenSigner tokens,
      Map<String, String> env,
      PrintStream out,
      PrintStream err) {
    String base =
        env.getOrDefault(
                "PIER_SCHEDULER_URL",
                "http://127.0.0.1:" + env.getOrDefault("PIER_SCHEDULER_PORT", "8081"))
            .replaceAll("/+$", "");
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    base + "/api/accounts/" + URLEncoder.encode(username, StandardCharsets.UTF_8)))
            .timeout(Duration.ofSeconds(30))
            .header(
                "Authorization",
                "Bearer " + tokens.issue("service:operator", true, Duration.ofMinutes(1)))
            .header("Content-Type", "application/json")
            .method(
                "PATCH",
                HttpRequest.BodyPublishers.ofString(new JsonObject().put("admin", admin).encode()))
            .build();
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        JsonObject body = new JsonObject(response.body());
        out.println(
            username
                + (body.getBoolean("admin", false)
                    ? " is an administrator"
                    : " is no administrator")
                + (body.getBoolean("listedInPierAdmins", false) && !admin
                    ? " by its own flag, but PIER_ADMINS still " + "lists it"
                    : "")
                + "; its earlier sign-ins were signed out");
        return 0;
      }
      err.println(
          "the scheduler at "
              + base
              + " answered "
              + response.statusCode()
              + ": "
              + response.body());
      return 1;
    } catch (IOException e) {
      err.println(
          "cannot reach the scheduler at "
              + base
              + ": "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
              + " (is Pier up?)");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }
}
