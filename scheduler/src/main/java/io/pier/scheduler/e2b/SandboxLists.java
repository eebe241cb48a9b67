package io.pier.scheduler.e2b;

import io.pier.common.auth.AuthToken;
import io.pier.common.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Set;

/** The lists of E2B's API: {@code GET /v2/sandboxes}, paged, and the older {@code GET /sandboxes}. */
final class SandboxLists {
  private final Sandboxes sandboxes;
  private final SandboxViews views;

  SandboxLists(Sandboxes sandboxes, SandboxViews views) {
    this.sandboxes = sandboxes;
    this.views = views;
  }

  /** {@code GET /v2/sandboxes}: a page of the caller's sandboxes, the next page's cursor in {@code x-next-token}. */
  void page(RoutingContext ctx, AuthToken caller) {
    SandboxQuery query;
    try {
      query = SandboxQuery.parse(ctx.queryParams());
    } catch (ApiException e) {
      E2bErrors.sendFailure(ctx, e);
      return;
    }
    sandboxes
        .of(caller)
        .map(query::page)
        .onSuccess(
            page -> {
              if (page.nextToken() != null)
                ctx.response().putHeader("x-next-token", page.nextToken());
              if (query.states().contains("running"))
                ctx.response().putHeader("x-total-running", Integer.toString(page.totalRunning()));
              ctx.response()
                  .putHeader("Content-Type", "application/json")
                  .end(new JsonArray(page.items().stream().map(views::listed).toList()).encode());
            })
        .onFailure(err -> E2bErrors.sendFailure(ctx, err));
  }

  /** {@code GET /sandboxes} (deprecated by E2B): every running sandbox of the caller, filtered by metadata only. */
  void running(RoutingContext ctx, AuthToken caller) {
    SandboxQuery query;
    try {
      String metadata = ctx.queryParams().get("metadata");
      query =
          new SandboxQuery(
              metadata == null ? Map.of() : SandboxQuery.metadata(metadata),
              Set.of("running"),
              null,
              null,
              false,
              Integer.MAX_VALUE,
              null);
    } catch (ApiException e) {
      E2bErrors.sendFailure(ctx, e);
      return;
    }
    sandboxes
        .of(caller)
        .map(query::page)
        .onSuccess(
            page ->
                ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .end(new JsonArray(page.items().stream().map(views::listed).toList()).encode()))
        .onFailure(err -> E2bErrors.sendFailure(ctx, err));
  }
}
