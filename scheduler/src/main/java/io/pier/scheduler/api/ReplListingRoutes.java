package io.pier.scheduler.api;

import io.pier.common.auth.AuthToken;
import io.pier.common.http.HttpErrors;
import io.pier.common.repl.Labels;
import io.pier.common.repl.ReplAccess;
import io.pier.common.repl.ReplRecord;
import io.pier.scheduler.ReplService;
import io.pier.scheduler.auth.AuthApi;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/repls}: the caller's repls ({@code ?scope=own}, the default), or the repls shared with the caller
 * ({@code ?scope=shared}), narrowed by {@code ?label=} selectors. Administrators and Pier's services see every repl
 * unless they ask for what is shared with them.
 */
final class ReplListingRoutes {
  private final ReplService repls;
  private final ApiViews views;

  ReplListingRoutes(ReplService repls, ApiViews views) {
    this.repls = repls;
    this.views = views;
  }

  void mount(Router router) {
    router.get("/api/repls").handler(this::list);
  }

  private void list(RoutingContext ctx) {
    AuthToken caller = ctx.get(AuthApi.CALLER);
    String scope = ctx.queryParams().get("scope");
    boolean shared = "shared".equals(scope);
    if (scope != null && !shared && !"own".equals(scope)) {
      HttpErrors.send(
          ctx,
          400,
          "invalid_request",
          "scope must be \"own\" (the caller's repls) or \"shared\" (repls shared with the caller)");
      return;
    }
    boolean everyone = !shared && (caller.admin() || caller.isService());
    List<Map.Entry<String, String>> selectors = new ArrayList<>();
    try {
      for (String label : ctx.queryParam("label")) selectors.add(Labels.selector(label));
    } catch (IllegalArgumentException e) {
      HttpErrors.send(ctx, 400, "invalid_labels", e.getMessage());
      return;
    }
    OwnedRepls.respond(
        ctx,
        repls
            .list()
            .map(
                all ->
                    new JsonObject()
                        .put(
                            "repls",
                            new JsonArray(
                                all.stream()
                                    .filter(
                                        r ->
                                            (everyone || inScope(r, caller, shared))
                                                && Labels.matchAll(r.labels(), selectors))
                                    .map(r -> views.repl(r, caller))
                                    .toList()))));
  }

  /** Whether {@code record} is shared with the caller ({@code shared}), or else owned by the caller. */
  private static boolean inScope(ReplRecord record, AuthToken caller, boolean shared) {
    return shared
        ? ReplAccess.isCollaborator(caller.subject(), record)
        : caller.subject().equals(record.owner());
  }
}
