package io.pier.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.http.UpgradeRelay;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The edge's meters: requests timed by kind, relayed WebSockets and their limits, refusals (docs/operations.md). */
final class EdgeMeters {
  private static final List<String> KINDS = List.of("api", "ide", "preview", "sandbox");

  private final PrometheusMeterRegistry metrics;

  /** The request timers by kind, each for "ok" and "error": made once, not looked up per request. */
  private final Map<String, Timer> okTimers = new HashMap<>();

  private final Map<String, Timer> errorTimers = new HashMap<>();

  EdgeMeters(PrometheusMeterRegistry metrics) {
    this.metrics = metrics;
    for (String kind : KINDS) {
      okTimers.put(kind, requestTimer(kind, "ok"));
      errorTimers.put(kind, requestTimer(kind, "error"));
    }
  }

  private Timer requestTimer(String kind, String outcome) {
    return Timer.builder("pier.proxy.requests")
        .description("Requests through the edge-proxy by kind and outcome")
        .tag("kind", kind)
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .register(metrics);
  }

  /** Registers the gauges and limits operators watch (docs/operations.md, "Edge limits"). */
  void registerGauges(
      EdgeConfig.Capacity c,
      UpgradeRelay sessionRelay,
      RelayLimits sessionLimits,
      UpgradeRelay previewSocketRelay,
      RelayLimits previewSocketLimits,
      UpgradeRelay sandboxSocketRelay,
      RelayLimits sandboxSocketLimits) {
    registerRelay("session", sessionRelay, sessionLimits);
    registerRelay("preview", previewSocketRelay, previewSocketLimits);
    registerRelay("sandbox_socket", sandboxSocketRelay, sandboxSocketLimits);
    Map<String, Integer> configured = new LinkedHashMap<>();
    configured.put("sessions_total", c.sessionsTotal());
    configured.put("sessions_per_user", c.sessionsPerUser());
    configured.put("sessions_per_repl", c.sessionsPerRepl());
    configured.put("preview_sockets_total", c.previewSocketsTotal());
    configured.put("preview_sockets_per_repl", c.previewSocketsPerRepl());
    configured.put("preview_pool", c.previewPool());
    configured.put("preview_queue", c.previewQueue());
    configured.put("api_pool", c.apiPool());
    configured.put("api_queue", c.apiQueue());
    configured.put("sandbox_pool", c.sandboxPool());
    configured.put("sandbox_queue", c.sandboxQueue());
    configured.forEach(
        (name, value) ->
            Gauge.builder("pier.edge.limit", () -> value)
                .description("The edge's configured limits")
                .tag("limit", name)
                .register(metrics));
  }

  /** The gauges of one kind of relayed WebSocket: open, pending, counted against its limits. */
  private void registerRelay(String kind, UpgradeRelay relay, RelayLimits limits) {
    Gauge.builder("pier.edge.websockets.open", relay, UpgradeRelay::open)
        .description("WebSockets relayed by the edge now")
        .tag("kind", kind)
        .register(metrics);
    Gauge.builder("pier.edge.websockets.pending", relay, UpgradeRelay::pending)
        .description("WebSocket upgrades asked of a node-agent or app and not answered yet")
        .tag("kind", kind)
        .register(metrics);
    FunctionCounter.builder("pier.edge.websockets.retried", relay, UpgradeRelay::retried)
        .description(
            "WebSocket upgrades asked again on a fresh connection, the first having failed before any answer")
        .tag("kind", kind)
        .register(metrics);
    Gauge.builder("pier.edge.websockets.counted", limits, RelayLimits::open)
        .description("WebSockets counted against the limits (open and pending)")
        .tag("kind", kind)
        .register(metrics);
  }

  /**
   * Times every request by kind (api, ide, preview, sandbox: E2B's sandbox hosts) and outcome (error when the answer
   * is a 5xx). E2B's control plane on {@code api.<domain>} counts as api.
   */
  void measure(HttpServerRequest req, HostTarget target) {
    String path = req.path();
    String kind;
    if (target instanceof HostTarget.Preview) {
      kind = "preview";
    } else if (target instanceof HostTarget.SandboxPort
        || target instanceof HostTarget.SandboxByHeaders) {
      kind = "sandbox";
    } else if (target instanceof HostTarget.Api) {
      kind = "api";
    } else {
      kind = path != null && path.startsWith("/api/") && !path.endsWith("/session") ? "api" : "ide";
    }
    long start = System.nanoTime();
    req.response()
        .endHandler(
            v ->
                (req.response().getStatusCode() >= 500 ? errorTimers : okTimers)
                    .get(kind)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
  }

  /** Counts a WebSocket upgrade a limit refused. */
  void countRefusal(String kind, String limit) {
    Counter.builder("pier.edge.websockets.refused")
        .description("WebSocket upgrades refused by a limit of the edge")
        .tag("kind", kind)
        .tag("limit", limit)
        .register(metrics)
        .increment();
  }

  /** The sum of every gauge of that name (the HTTP pools' gauges, one per pool). */
  double sum(String gauge) {
    return metrics.find(gauge).gauges().stream().mapToDouble(Gauge::value).sum();
  }
}
