package io.pier.common.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.auth.Credentials;
import io.pier.common.auth.TokenSigner;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.function.BooleanSupplier;

/** The routes every Pier service answers for operators: liveness, readiness and Prometheus metrics. */
public final class OpsRoutes {
  private OpsRoutes() {}

  /**
   * Mounts {@code GET /healthz} (the process answers), {@code GET /readyz} (it can do its job now, per
   * {@code ready}) and {@code GET /metrics}. The metrics name repls, users' activity and the fleet's size, so they
   * answer only {@code Authorization: Bearer <metrics token>} ({@link TokenSigner#metricsToken()}, which every
   * service derives from the auth secret and {@code ./pier metrics-token} prints); anything else gets {@code 401}.
   */
  public static void mount(
      Router router,
      String service,
      PrometheusMeterRegistry registry,
      BooleanSupplier ready,
      TokenSigner tokens) {
    // What no route serves is answered in JSON like every other error, not with Vert.x's HTML page.
    router.errorHandler(
        404,
        ctx ->
            HttpErrors.send(
                ctx,
                404,
                "not_found",
                "no route " + ctx.request().method() + " " + ctx.request().path()));
    router.errorHandler(
        405,
        ctx ->
            HttpErrors.send(
                ctx,
                405,
                "method_not_allowed",
                ctx.request().method() + " is not allowed on " + ctx.request().path()));
    router
        .get("/healthz")
        .handler(ctx -> ctx.json(new JsonObject().put("status", "ok").put("service", service)));
    router
        .get("/readyz")
        .handler(
            ctx -> {
              boolean isReady = ready.getAsBoolean();
              ctx.response().setStatusCode(isReady ? 200 : 503);
              ctx.json(
                  new JsonObject()
                      .put("status", isReady ? "ready" : "not ready")
                      .put("service", service));
            });
    io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> scrape =
        PrometheusScrapingHandler.create(registry);
    router
        .get("/metrics")
        .handler(
            ctx -> {
              if (tokens.isMetricsToken(Credentials.bearer(ctx.request()))) {
                scrape.handle(ctx);
              } else {
                ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"pier-metrics\"");
                HttpErrors.send(
                    ctx,
                    401,
                    "unauthenticated",
                    "/metrics needs the metrics token as Authorization: Bearer "
                        + "(./pier metrics-token prints it; see docs/operations.md#health-and-metrics)");
              }
            });
  }
}
