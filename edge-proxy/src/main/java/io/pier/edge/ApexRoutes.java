package io.pier.edge;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.auth.TokenSigner;
import io.pier.common.http.HttpErrors;
import io.pier.common.http.OpsRoutes;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.function.BooleanSupplier;

/**
 * The apex's routes: health and metrics, IDE sessions and the programs' API of a running repl (to its node-agent), the
 * rest of the API (to a scheduler), the IDE's static pages.
 */
final class ApexRoutes {
  private ApexRoutes() {}

  static Router router(
      Vertx vertx,
      PrometheusMeterRegistry metrics,
      BooleanSupplier ready,
      TokenSigner tokens,
      SessionUpgrades sessions,
      ReplApiProxy replApi,
      ApiProxy api) {
    Router apex = Router.router(vertx);
    OpsRoutes.mount(apex, "edge-proxy", metrics, ready, tokens);
    apex.get("/api/repls/:slug/session")
        .handler(ctx -> sessions.handle(ctx.request(), ctx.pathParam("slug")));
    apex.routeWithRegex(ReplApiProxy.PATHS.pattern()).handler(replApi::handle);
    apex.route("/api/*").handler(api::handle);
    apex.route("/api")
        .handler(ctx -> HttpErrors.send(ctx, 404, "not_found", "the API lives under /api/"));
    // The IDE is one page for every repl; it reads the slug from its URL.
    apex.get("/ide/:slug").handler(ctx -> ctx.reroute("/ide.html"));
    apex.get("/admin").handler(ctx -> ctx.reroute("/admin.html"));
    apex.get("/account").handler(ctx -> ctx.reroute("/account.html"));
    apex.route()
        .handler(
            StaticHandler.create("webroot").setIndexPage("index.html").setCachingEnabled(false));
    return apex;
  }
}
