package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pier.common.auth.TokenSigner;
import io.pier.common.config.Mains;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Operations end to end: Debian's Prometheus, started here as a child process, scrapes a running Pier (scheduler,
 * node-agent, edge-proxy) every second while a repl runs with an IDE session and a terminal open. Pier's series reach
 * Prometheus with real values, the repository's alert rules load and evaluate, every query of every Grafana dashboard
 * runs and returns data, {@code ops/check.sh --dashboards-against} accepts the services' own scrapes, and the full
 * {@code ops/check.sh} (promtool, ansible-playbook --syntax-check, ansible-lint, the node_agent role in check mode)
 * passes. Skipped, by assumption, only where Debian's prometheus or ansible packages are not installed.
 */
class OperationsIT {
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final Duration SERIES_WAIT = Duration.ofSeconds(90);
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$(\\w+)");

  /** Series (PromQL selectors; %s is the repl's slug) with a non-zero value while a repl runs and a session is open. */
  private static final List<String> NON_ZERO =
      List.of(
          "up{job=\"pier-scheduler\"}",
          "up{job=\"pier-node-agent\"}",
          "up{job=\"pier-edge-proxy\"}",
          // scheduler
          "pier_repls{state=\"running\"}",
          "pier_placements_total",
          "pier_repl_start_seconds_count",
          "pier_repl_start_seconds_bucket{le=\"+Inf\"}",
          "pier_fleet_nodes_active",
          // node-agent
          "pier_node_repls_running",
          "pier_node_repl_start_seconds_count",
          "pier_node_capacity_slots",
          "pier_node_capacity_memory_mb",
          "pier_node_capacity_cpus",
          "pier_node_reserved_memory_mb",
          "pier_node_disk_free_bytes",
          "pier_repl_memory_bytes{slug=\"%s\"}",
          "pier_sessions_open",
          "pier_terminals_open",
          // edge-proxy
          "pier_proxy_requests_seconds_count{kind=\"api\",outcome=\"ok\"}",
          "pier_proxy_requests_seconds_count{kind=\"preview\",outcome=\"ok\"}",
          "pier_proxy_requests_seconds_count{kind=\"ide\",outcome=\"ok\"}",
          // every service: Vert.x and the JVM
          "vertx_http_server_requests_total{job=\"pier-scheduler\"}",
          "vertx_http_server_requests_total{job=\"pier-node-agent\"}",
          "vertx_http_server_requests_total{job=\"pier-edge-proxy\"}",
          "jvm_memory_used_bytes{job=\"pier-node-agent\"}");

  /** Series that must exist; zero is a fine value for them here. */
  private static final List<String> PRESENT =
      List.of(
          "pier_repls{state=\"stopped\"}",
          "pier_placement_failures_total",
          "pier_fleet_nodes_desired",
          "pier_fleet_utilisation",
          "pier_node_cpu_usage",
          "pier_repl_cpu_usage{slug=\"%s\"}",
          "pier_node_draining",
          "pier_sync_pending_files",
          "pier_sync_lag_seconds",
          "pier_sync_failures_total",
          "pier_node_repl_start_failures_total",
          "process_cpu_usage{job=\"pier-scheduler\"}");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** What Prometheus sends to /metrics, as ./pier metrics-token prints it for this Pier's secret. */
  private static final String METRICS_TOKEN =
      new TokenSigner(PierOnLoopback.AUTH_SECRET, Clock.systemUTC()).metricsToken();

  @Test
  void prometheusScrapesPierAndEveryDashboardQueryNamesExportedMetrics() throws Exception {
    assumeTrue(
        Files.isExecutable(PROMETHEUS),
        "Debian's prometheus is not installed (apt-get install prometheus): skipping the Prometheus test");
    assumeTrue(onPath("python3"), "python3 is not installed: skipping");
    Path repo = PierOnLoopback.repo();
    Path work =
        Files.createDirectories(
            Path.of("target", "operations-" + UUID.randomUUID().toString().substring(0, 8))
                .toAbsolutePath());
    Vertx vertx = Vertx.vertx();
    try (PierOnLoopback pier = new PierOnLoopback()) {
      Map<String, Integer> ports = new LinkedHashMap<>();
      ports.put("pier-scheduler", pier.schedulerPort);
      ports.put("pier-node-agent", pier.nodePort);
      ports.put("pier-edge-proxy", pier.edgePort);
      String nodeInstance = "127.0.0.1:" + pier.nodePort;

      try (Prometheus prometheus = Prometheus.start(work, repo, ports)) {
        String slug =
            new JsonObject(api(pier, "POST", "/api/repls", "{\"template\":\"node\"}").body())
                .getString("slug");
        HttpResponse<String> started = api(pier, "POST", "/api/repls/" + slug + "/start", "");
        assertEquals(200, started.statusCode(), started.body());
        assertEquals(
            200,
            get(pier, slug + "." + PierOnLoopback.DOMAIN, "/").statusCode(),
            "the preview answers");
        get(pier, PierOnLoopback.DOMAIN, "/ide/" + slug);

        try (SessionClient session = SessionClient.connect(vertx, pier, slug)) {
          JsonObject terminal =
              session.request("term.open", new JsonObject().put("cols", 80).put("rows", 24));
          assertTrue(terminal.getBoolean("ok", false), terminal.encode());

          awaitSeries(
              prometheus,
              slug,
              () -> session.isClosed() ? "the IDE session was closed meanwhile" : "");
          assertRulesLoadAndEvaluate(prometheus, repo);
          assertEveryDashboardQueryReturnsData(
              prometheus, repo, Map.of("node", nodeInstance, "slug", slug));

          // The services' own /metrics, as the dashboard checker's input.
          List<String> scrapes = new ArrayList<>();
          for (var service : ports.entrySet()) {
            URI metricsUri = URI.create("http://127.0.0.1:" + service.getValue() + "/metrics");
            assertEquals(
                401,
                http.send(
                        HttpRequest.newBuilder(metricsUri).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString())
                    .statusCode(),
                service.getKey() + " /metrics without the token");
            HttpResponse<String> metrics =
                http.send(
                    HttpRequest.newBuilder(metricsUri)
                        .timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + METRICS_TOKEN)
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode(), service.getKey() + " /metrics");
            Path file = work.resolve(service.getKey() + ".prom");
            Files.writeString(file, metrics.body());
            scrapes.add(file.toString());
          }
          List<String> command =
              new ArrayList<>(
                  List.of("bash", repo.resolve("ops/check.sh").toString(), "--dashboards-against"));
          command.addAll(scrapes);
          Result checked =
              run(command, work.resolve("check-dashboards.log"), Duration.ofMinutes(2));
          assertEquals(
              0,
              checked.code(),
              "ops/check.sh --dashboards-against the services' scrapes:\n" + checked.output());
        }
        assertEquals(200, api(pier, "DELETE", "/api/repls/" + slug, null).statusCode());
      }
    } finally {
      Mains.await(vertx.close(), Duration.ofSeconds(10));
    }
  }

  @Test
  void opsCheckPassesPromtoolAndAnsible() throws Exception {
    for (String tool : List.of("promtool", "ansible-playbook", "ansible-lint", "python3")) {
      assumeTrue(
          onPath(tool),
          tool + " is not installed (apt-get install prometheus ansible ansible-lint): skipping");
    }
    Path repo = PierOnLoopback.repo();
    Path log = Files.createDirectories(Path.of("target").toAbsolutePath()).resolve("ops-check.log");
    Result checked =
        run(List.of("bash", repo.resolve("ops/check.sh").toString()), log, Duration.ofMinutes(10));
    assertEquals(0, checked.code(), "ops/check.sh:\n" + checked.output());
    for (String step :
        List.of(
            "promtool check config",
            "promtool check rules",
            "promtool test rules",
            "dashboard and alert queries",
            "ansible-playbook --syntax-check",
            "ansible-lint",
            "node_agent role against localhost (--check)",
            "node_agent role applied twice: the second run changes nothing")) {
      assertTrue(
          checked.output().contains("ok    " + step),
          "ops/check.sh ran '" + step + "':\n" + checked.output());
    }
  }

  /**
   * Waits until Prometheus has shown each NON_ZERO series with a non-zero value and each PRESENT series, each at
   * some point during the wait.
   */
  private void awaitSeries(Prometheus prometheus, String slug, Supplier<String> context)
      throws Exception {
    long deadline = System.nanoTime() + SERIES_WAIT.toNanos();
    Map<String, String> missing = new LinkedHashMap<>();
    NON_ZERO.forEach(s -> missing.put(s.formatted(slug), "no series"));
    Map<String, String> present = new LinkedHashMap<>();
    PRESENT.forEach(s -> present.put(s.formatted(slug), "no series"));
    do {
      for (var it = missing.entrySet().iterator(); it.hasNext(); ) {
        var entry = it.next();
        JsonArray result = prometheus.query(entry.getKey());
        boolean nonZero =
            result.stream()
                .map(JsonObject.class::cast)
                .anyMatch(r -> Double.parseDouble(r.getJsonArray("value").getString(1)) != 0);
        if (nonZero) it.remove();
        else if (!result.isEmpty()) entry.setValue("only zero: " + result.encode());
      }
      present
          .keySet()
          .removeIf(
              query -> {
                try {
                  return !prometheus.query(query).isEmpty();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      if (missing.isEmpty() && present.isEmpty()) return;
      Thread.sleep(1000);
    } while (System.nanoTime() < deadline);
    missing.putAll(present);
    StringBuilder why =
        new StringBuilder(
            "series Prometheus did not get from the running Pier within " + SERIES_WAIT);
    missing.forEach((query, state) -> why.append("\n  ").append(query).append(": ").append(state));
    String more = context.get();
    if (!more.isEmpty()) why.append("\n(").append(more).append(')');
    fail(why.toString());
  }

  /** The repository's alert rules are loaded from ops/prometheus/rules and evaluate without errors on real data. */
  private void assertRulesLoadAndEvaluate(Prometheus prometheus, Path repo) throws Exception {
    long files;
    try (Stream<Path> rules = Files.list(repo.resolve("ops/prometheus/rules"))) {
      files = rules.filter(p -> p.toString().endsWith(".yml")).count();
    }
    assertTrue(files > 0, "rule files in ops/prometheus/rules");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<String> problems = new ArrayList<>();
    int rules;
    do {
      problems.clear();
      rules = 0;
      JsonArray groups =
          prometheus.api("/api/v1/rules").getJsonObject("data").getJsonArray("groups");
      for (Object g : groups) {
        for (Object r : ((JsonObject) g).getJsonArray("rules")) {
          JsonObject rule = (JsonObject) r;
          rules++;
          if (!"ok".equals(rule.getString("health"))) {
            problems.add(
                rule.getString("name")
                    + ": "
                    + rule.getString("health")
                    + " "
                    + rule.getString("lastError"));
          }
        }
      }
      if (rules > 0 && problems.isEmpty()) return;
      Thread.sleep(1000);
    } while (System.nanoTime() < deadline);
    fail(
        rules == 0
            ? "Prometheus loaded no rules from ops/prometheus/rules"
            : "rules that do not evaluate: " + problems);
  }

  /**
   * Runs every target of every panel, and every query variable, of every dashboard in ops/grafana against
   * Prometheus, with the template variables set to this run's node and repl; each must succeed and return data.
   * Rates need a few scrapes of a new series, so this tries again for up to a minute.
   */
  private void assertEveryDashboardQueryReturnsData(
      Prometheus prometheus, Path repo, Map<String, String> variables) throws Exception {
    Map<String, String> values = new LinkedHashMap<>(variables);
    values.put("__rate_interval", "1m");
    values.put("__interval", "5s");
    values.put("__range", "5m");
    List<Path> dashboards;
    try (Stream<Path> files = Files.list(repo.resolve("ops/grafana"))) {
      dashboards = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertFalse(dashboards.isEmpty(), "dashboards in ops/grafana");
    List<String[]> queries = new ArrayList<>();
    for (Path file : dashboards) {
      JsonObject dashboard = new JsonObject(Files.readString(file));
      List<String[]> targets = new ArrayList<>();
      for (Object v : dashboard.getJsonObject("templating").getJsonArray("list")) {
        JsonObject variable = (JsonObject) v;
        if (!"query".equals(variable.getString("type"))) continue;
        Matcher labelValues =
            Pattern.compile("^label_values\\((.*),\\s*\\w+\\)$")
                .matcher(variable.getString("query"));
        if (labelValues.matches())
          targets.add(
              new String[] {"variable $" + variable.getString("name"), labelValues.group(1)});
      }
      collectTargets(dashboard.getJsonArray("panels"), targets);
      for (String[] target : targets)
        queries.add(new String[] {file.getFileName() + ": " + target[0], target[1]});
    }
    assertFalse(queries.isEmpty(), "the dashboards have queries");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    List<String> problems = new ArrayList<>();
    do {
      problems.clear();
      for (String[] query : queries) {
        String expr = substitute(query[1], values, query[0], problems);
        if (expr == null) continue;
        JsonObject answer =
            prometheus.api(
                "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
        if (!"success".equals(answer.getString("status"))) {
          problems.add(query[0] + ": " + answer.getString("error") + "\n      " + expr);
        } else if (answer.getJsonObject("data").getJsonArray("result").isEmpty()) {
          problems.add(query[0] + ": no data\n      " + expr);
        }
      }
      if (problems.isEmpty()) return;
      Thread.sleep(2000);
    } while (System.nanoTime() < deadline);
    fail(
        problems.size()
            + " of "
            + queries.size()
            + " dashboard queries fail or return nothing:\n  "
            + String.join("\n  ", problems));
  }

  private static void collectTargets(JsonArray panels, List<String[]> into) {
    if (panels == null) return;
    for (Object p : panels) {
      JsonObject panel = (JsonObject) p;
      JsonArray targets = panel.getJsonArray("targets");
      if (targets != null) {
        for (Object t : targets) {
          JsonObject target = (JsonObject) t;
          into.add(
              new String[] {
                "panel '" + panel.getString("title") + "' " + target.getString("refId"),
                target.getString("expr", "")
              });
        }
      }
      collectTargets(panel.getJsonArray("panels"), into);
    }
  }

  private static String substitute(
      String expr, Map<String, String> values, String where, List<String> problems) {
    Matcher m = VARIABLE.matcher(expr);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      String value = values.get(name);
      if (value == null) {
        problems.add(where + ": unknown variable $" + name);
        return null;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private HttpResponse<String> api(PierOnLoopback pier, String method, String path, String json)
      throws Exception {
    return EdgeApi.send(pier, method, path, json);
  }

  private HttpResponse<String> get(PierOnLoopback pier, String host, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + path))
            .timeout(Duration.ofSeconds(30))
            .header("Host", host)
            .header("Authorization", "Bearer " + pier.userToken)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) return true;
    }
    return false;
  }

  private record Result(int code, String output) {}

  /** Runs a command to completion (output to {@code log}), killing it if it takes longer than {@code timeout}. */
  private static Result run(List<String> command, Path log, Duration timeout) throws Exception {
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        fail(
            String.join(" ", command)
                + " did not finish in "
                + timeout
                + "; output so far:\n"
                + Files.readString(log));
      }
      return new Result(process.exitValue(), Files.readString(log));
    } finally {
      if (process.isAlive()) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Debian's Prometheus as a child process on a free loopback port, scraping the given jobs every second. */
  private static final class Prometheus implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Prometheus(Process process, int port, Path log) {
      this.process = process;
      this.port = port;
      this.log = log;
    }

    static Prometheus start(Path work, Path repo, Map<String, Integer> jobs) throws Exception {
      StringBuilder config =
          new StringBuilder(
              """
          global:
            scrape_interval: 1s
            scrape_timeout: 1s
            evaluation_interval: 1s
          rule_files:
            - '%s/*.yml'
          scrape_configs:
          """
                  .formatted(repo.resolve("ops/prometheus/rules")));
      // As ops/prometheus/prometheus.yml: the metrics token from a file.
      Path token = work.resolve("metrics-token");
      Files.writeString(token, METRICS_TOKEN + "\n");
      jobs.forEach(
          (job, jobPort) ->
              config.append(
                  """
            - job_name: %s
              metrics_path: /metrics
              authorization:
                type: Bearer
                credentials_file: '%s'
              static_configs:
                - targets: ['127.0.0.1:%d']
          """
                      .formatted(job, token, jobPort)));
      Path file = work.resolve("prometheus.yml");
      Files.writeString(file, config);
      int port = PierOnLoopback.freePort();
      Path log = work.resolve("prometheus.log");
      Process process =
          new ProcessBuilder(
                  PROMETHEUS.toString(),
                  "--config.file=" + file,
                  "--storage.tsdb.path=" + Files.createDirectories(work.resolve("prometheus-data")),
                  "--web.listen-address=127.0.0.1:" + port,
                  "--storage.tsdb.retention.time=1d")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      Prometheus prometheus = new Prometheus(process, port, log);
      try {
        prometheus.awaitReady();
      } catch (Exception | Error e) {
        prometheus.close();
        throw e;
      }
      return prometheus;
    }

    private void awaitReady() throws Exception {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive())
          fail("prometheus exited with " + process.exitValue() + ":\n" + Files.readString(log));
        try {
          HttpResponse<String> ready =
              http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (ready.statusCode() == 200) return;
        } catch (IOException notYet) {
          // still starting
        }
        Thread.sleep(200);
      }
      fail("prometheus not ready within 60 s:\n" + Files.readString(log));
    }

    JsonObject api(String pathAndQuery) throws Exception {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new JsonObject(response.body());
    }

    /** The result vector of an instant query; fails the test on a query error. */
    JsonArray query(String promql) throws Exception {
      JsonObject answer =
          api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
      assertEquals("success", answer.getString("status"), promql + ": " + answer.encode());
      return answer.getJsonObject("data").getJsonArray("result");
    }

    /** Stops this Prometheus, and only it: SIGTERM, then SIGKILL after 20 s. */
    @Override
    public void close() throws Exception {
      if (!process.isAlive()) return;
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS))
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
