package io.pier.common.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.function.BooleanSupplier;

/** The routes every Pier service answers for operators: liveness, readiness and Prometheus metrics. */
public final class OpsRoutes {
  private OpsRoutes() {
  }

  /**
   * Mounts {@code GET /healthz} (the process answers), {@code GET /readyz} (it can do its job now, per
   * {@code ready}) and {@code GET /metrics}.
   */
  public static void mount(Router router, String service, PrometheusMeterRegistry registry, BooleanSupplier ready) {
    router.get("/healthz").handler(ctx -> ctx.json(new JsonObject().put("status", "ok").put("service", service)));
    router.get("/readyz").handler(ctx -> {
      boolean isReady = ready.getAsBoolean();
      ctx.response().setStatusCode(isReady ? 200 : 503);
      ctx.json(new JsonObject().put("status", isReady ? "ready" : "not ready").put("service", service));
    });
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
  }
}
