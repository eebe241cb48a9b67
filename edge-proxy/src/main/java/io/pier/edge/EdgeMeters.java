package io.pier.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The edge's meters: requests timed by kind, relayed WebSockets and their limits, refusals (docs/operations.md). */
final class EdgeMeters {
  private static final List<String> KINDS = List.of("api", "ide", "preview");

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
      RelayLimits previewSocketLimits) {
    for (var kind :
        Map.of(
                "session",
                new Object[] {sessionRelay, sessionLimits},
                "preview",
                new Object[] {previewSocketRelay, previewSocketLimits})
            .entrySet()) {
      UpgradeRelay relay = (UpgradeRelay) kind.getValue()[0];
      RelayLimits limits = (RelayLimits) kind.getValue()[1];
      Gauge.builder("pier.edge.websockets.open", relay, UpgradeRelay::open)
          .description("WebSockets relayed by the edge now")
          .tag("kind", kind.getKey())
          .register(metrics);
      Gauge.builder("pier.edge.websockets.pending", relay, UpgradeRelay::pending)
          .description("WebSocket upgrades asked of a node-agent or app and not answered yet")
          .tag("kind", kind.getKey())
          .register(metrics);
      Gauge.builder("pier.edge.websockets.counted", limits, RelayLimits::open)
          .description("WebSockets counted against the limits (open and pending)")
          .tag("kind", kind.getKey())
          .register(metrics);
    }
    Map<String, Integer> configured =
        Map.of(
            "sessions_total",
            c.sessionsTotal(),
            "sessions_per_user",
            c.sessionsPerUser(),
            "sessions_per_repl",
            c.sessionsPerRepl(),
            "preview_sockets_total",
            c.previewSocketsTotal(),
            "preview_sockets_per_repl",
            c.previewSocketsPerRepl(),
            "preview_pool",
            c.previewPool(),
            "preview_queue",
            c.previewQueue(),
            "api_pool",
            c.apiPool(),
            "api_queue",
            c.apiQueue());
    configured.forEach(
        (name, value) ->
            Gauge.builder("pier.edge.limit", () -> value)
                .description("The edge's configured limits")
                .tag("limit", name)
                .register(metrics));
  }

  /** Times every request by kind (api, ide, preview) and outcome (error when the answer is a 5xx). */
  void measure(HttpServerRequest req, HostTarget target) {
    String path = req.path();
    String kind =
        target instanceof HostTarget.Preview
            ? "preview"
            : path.startsWith("/api/") && !path.endsWith("/session") ? "api" : "ide";
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
