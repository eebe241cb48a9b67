package io.pier.scheduler.api;

import io.pier.common.api.OpenApiDocument;
import io.pier.common.api.OpenApiRequests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.Operation;

/**
 * The scheduler's side of the API's one source of truth ({@link OpenApiDocument}, served at {@code /api/openapi.json}):
 * every request that matches one of the scheduler's operations is checked against it before a handler sees it
 * (parameters and JSON body), answered {@code 400} naming the problem when it does not fit. Requests it does not
 * describe, or that another service serves, pass on to the routes (which answer 404 or 405).
 */
public final class ApiContract {
  private final OpenApiRequests requests;

  private ApiContract(OpenApiRequests requests) {
    this.requests = requests;
  }

  /** Reads and checks the document: a service with a broken document does not start. */
  public static Future<ApiContract> load(Vertx vertx) {
    return OpenApiDocument.load(vertx).map(d -> new ApiContract(new OpenApiRequests(vertx, d)));
  }

  /** The document as JSON, read from the classpath. */
  static JsonObject read() {
    return OpenApiDocument.read();
  }

  /** The document as JSON. */
  public JsonObject document() {
    return requests.document().raw();
  }

  /** A route handler after the body handler: lets a request the document allows (or does not describe) through. */
  void validate(RoutingContext ctx) {
    Operation operation = requests.document().find(ctx.request().path(), ctx.request().method());
    if (operation == null || OpenApiDocument.servedBy(operation) != null) {
      ctx.next();
    } else {
      requests.checkWhole(ctx, operation);
    }
  }
}
