package io.pier.common.api;

import io.pier.common.http.HttpErrors;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.util.Map;

/**
 * Checks requests against their operation in the {@link OpenApiDocument}: whole (parameters and JSON body, once the
 * body was read), or by their parameters alone (for a streamed body, which must stay unread until its handler takes
 * it). A request that does not fit is answered {@code 400} naming the problem and the document.
 */
public final class OpenApiRequests {
  private final OpenApiDocument document;

  // The implementation, not the interface: only it checks one parameter on its own, which a request
  // whose body
  // streams past needs (the interface's check reads the body too).
  private final RequestValidatorImpl validator;

  public OpenApiRequests(Vertx vertx, OpenApiDocument document) {
    this.document = document;
    this.validator = new RequestValidatorImpl(vertx, document.contract());
  }

  public OpenApiDocument document() {
    return document;
  }

  /**
   * A request whose body (if the operation has one) was read whole and is JSON: passed on with {@code ctx.next()}
   * when it fits {@code operation}, answered 400 otherwise.
   */
  public void checkWhole(RoutingContext ctx, Operation operation) {
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    // An operation whose body is optional may be called without one (a fork with no new name).
    boolean withoutBody =
        operation.getRequestBody() != null
            && !operation.getRequestBody().isRequired()
            && (body == null || body.length() == 0);
    if (operation.getRequestBody() != null && !withoutBody && !isJsonObject(body)) {
      HttpErrors.send(
          ctx,
          400,
          "malformed_json",
          "the body of "
              + operation.getOperationId()
              + " must be a JSON object (see /api/openapi.json)");
      return;
    }
    RequestUtils.extract(
            ctx.request(),
            operation,
            () -> Future.succeededFuture(body == null ? Buffer.buffer() : body))
        .map(
            request ->
                operation.getRequestBody() == null || withoutBody ? request : asJson(request))
        .compose(request -> validator.validate(request, operation.getOperationId()))
        .onSuccess(valid -> ctx.next())
        .onFailure(
            err ->
                HttpErrors.send(
                    ctx,
                    400,
                    document.errorCode(operation, err),
                    err.getMessage() + " (see /api/openapi.json)"));
  }

  /**
   * What is wrong with the request's query, header and cookie parameters for {@code operation}, or null when they
   * fit. Reads nothing of the body. Path parameters are the router's: it matched them (and a workspace path, which
   * holds slashes, is no single segment a template could check).
   */
  public String parameterProblem(HttpServerRequest request, Operation operation) {
    Future<ValidatableRequest> extracted =
        RequestUtils.extract(request, operation, () -> Future.succeededFuture(Buffer.buffer()));
    if (extracted.failed()) return extracted.cause().getMessage();
    ValidatableRequest parts = extracted.result();
    for (Parameter parameter : operation.getParameters()) {
      if (parameter.getIn() == Location.PATH) continue;
      Map<String, RequestParameter> values =
          switch (parameter.getIn()) {
            case PATH -> parts.getPathParameters();
            case QUERY -> parts.getQuery();
            case HEADER -> parts.getHeaders();
            case COOKIE -> parts.getCookies();
          };
      try {
        validator.validateParameter(parameter, values.get(parameter.getName()));
      } catch (ValidatorException e) {
        return e.getMessage();
      }
    }
    return null;
  }

  /**
   * The request with its body read as JSON, whatever content type it came with (it is a JSON object, checked above):
   * the handlers always read bodies as JSON, and a client that forgets the header (curl's {@code -d} sends a form's)
   * is served as before the document checked requests.
   */
  private static ValidatableRequest asJson(ValidatableRequest request) {
    return new ValidatableRequestImpl(
        request.getCookies(),
        request.getHeaders(),
        request.getPathParameters(),
        request.getQuery(),
        request.getBody(),
        "application/json");
  }

  private static boolean isJsonObject(Buffer body) {
    if (body == null || body.length() == 0) return false;
    try {
      return Json.decodeValue(body) instanceof JsonObject;
    } catch (DecodeException e) {
      return false;
    }
  }
}
