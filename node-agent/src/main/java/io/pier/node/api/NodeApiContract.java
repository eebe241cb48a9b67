package io.pier.node.api;

import io.pier.common.api.OpenApiDocument;
import io.pier.common.api.OpenApiRequests;
import io.pier.common.http.HttpErrors;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.Operation;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node-agent's side of the API's one source of truth ({@link OpenApiDocument}): the requests of the operations
 * it serves (marked {@code x-pier-served-by: node-agent}: exec, processes, files, archives, the IDE session) are
 * checked against the document. Their query and header parameters are checked at the repl's gate, before any body is
 * read (a file's upload streams past, untouched); an exec's JSON body once it was read. What does not fit is answered
 * {@code 400} naming the problem.
 */
public final class NodeApiContract {
  public static final String SERVED_HERE = "node-agent";

  /**
   * A file's or folder's path in the programs' file API holds slashes, which no OpenAPI path parameter can (each is
   * one segment): such a request is looked up by its route alone.
   */
  private static final Pattern WORKSPACE_PATH =
      Pattern.compile("^(/api/repls/[^/]+/(?:files|archive))(/.*)?$");

  private final Future<OpenApiRequests> requests;

  public NodeApiContract(Vertx vertx) {
    this.requests = OpenApiDocument.load(vertx).map(d -> new OpenApiRequests(vertx, d));
  }

  /** Completes once the document was read and checked; a node-agent with a broken document does not start. */
  public Future<Void> loaded() {
    return requests.mapEmpty();
  }

  /**
   * What is wrong with the request's parameters, or null when they fit or the document describes no operation of
   * this node-agent for it.
   */
  public String parameterProblem(HttpServerRequest request) {
    Operation operation = operation(request);
    if (operation == null) return null;
    String problem = requests.result().parameterProblem(request, operation);
    return problem == null ? null : problem + " (see /api/openapi.json)";
  }

  /** A route handler after a body handler: passes on the request if it fits its operation, answers 400 if not. */
  public void checkWhole(RoutingContext ctx) {
    Operation operation = operation(ctx.request());
    if (operation == null) {
      ctx.next();
    } else {
      requests.result().checkWhole(ctx, operation);
    }
  }

  /** A route handler: answers 400 when the request's parameters do not fit, passes it on otherwise. */
  public void checkParameters(RoutingContext ctx) {
    String problem = parameterProblem(ctx.request());
    if (problem == null) {
      ctx.next();
    } else {
      HttpErrors.send(ctx, 400, OpenApiDocument.INVALID, problem);
    }
  }

  private Operation operation(HttpServerRequest request) {
    if (!requests.succeeded()) {
      throw new IllegalStateException("the API document is not loaded yet: start after loaded()");
    }
    String path = request.path();
    Matcher workspacePath = WORKSPACE_PATH.matcher(path);
    if (workspacePath.matches()) {
      String rest = workspacePath.group(2);
      path = workspacePath.group(1) + (rest == null || rest.equals("/") ? "" : "/-");
    }
    Operation operation = requests.result().document().find(path, request.method());
    return operation != null && SERVED_HERE.equals(OpenApiDocument.servedBy(operation))
        ? operation
        : null;
  }
}
