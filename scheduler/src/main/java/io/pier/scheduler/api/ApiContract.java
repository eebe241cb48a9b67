package io.pier.scheduler.api;

import io.pier.common.http.HttpErrors;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The API's one source of truth for the wire: the OpenAPI 3.1 document in this module's resources
 * ({@code openapi.yaml}), served at {@code /api/openapi.json}, and every request that matches one of its operations
 * checked against it before a handler sees it (parameters and JSON body), answered {@code 400} naming the problem
 * when it does not fit. Requests it does not describe pass on to the routes (which answer 404 or 405).
 */
public final class ApiContract {
  private static final String INVALID = "invalid_request";
  static final String RESOURCE = "openapi.yaml";

  private final OpenAPIContract contract;
  private final RequestValidator validator;

  private ApiContract(Vertx vertx, OpenAPIContract contract) {
    this.contract = contract;
    this.validator = RequestValidator.create(vertx, contract);
  }

  /** Reads and checks the document: a service with a broken document does not start. */
  public static Future<ApiContract> load(Vertx vertx) {
    JsonObject document;
    try {
      document = read();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return OpenAPIContract.from(vertx, document).map(c -> new ApiContract(vertx, c));
  }

  static JsonObject read() {
    try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      Map<String, Object> yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      return new JsonObject(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The document as JSON. */
  public JsonObject document() {
    return contract.getRawContract();
  }

  OpenAPIContract contract() {
    return contract;
  }

  /** A route handler after the body handler: lets a request the document allows (or does not describe) through. */
  void validate(RoutingContext ctx) {
    Operation operation = contract.findOperation(ctx.request().path(), ctx.request().method());
    if (operation == null) {
      ctx.next();
      return;
    }
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    if (operation.getRequestBody() != null && !isJsonObject(body)) {
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
        .map(request -> operation.getRequestBody() == null ? request : asJson(request))
        .compose(request -> validator.validate(request, operation.getOperationId()))
        .onSuccess(valid -> ctx.next())
        .onFailure(
            err ->
                HttpErrors.send(
                    ctx,
                    400,
                    errorCode(operation, err),
                    err.getMessage() + " (see /api/openapi.json)"));
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

  /**
   * The code a refusal is answered with: the one the document names for the body's field at fault ({@code
   * x-pier-error}, as {@code invalid_labels} for labels), {@code invalid_request} otherwise.
   */
  String errorCode(Operation operation, Throwable err) {
    if (!(err instanceof SchemaValidationException invalid) || operation.getRequestBody() == null)
      return INVALID;
    String field = firstField(invalid.getOutputUnit());
    if (field == null) return INVALID;
    JsonObject schema =
        resolve(
            operation
                .getRequestBody()
                .getOpenAPIModel()
                .getJsonObject("content", new JsonObject())
                .getJsonObject("application/json", new JsonObject())
                .getJsonObject("schema"));
    if (schema == null) return INVALID;
    JsonObject property =
        resolve(schema.getJsonObject("properties", new JsonObject()).getJsonObject(field));
    return property == null ? INVALID : property.getString("x-pier-error", INVALID);
  }

  /** The top-level field of the body the first error is about ({@code labels} of {@code #/labels/a}). */
  private static String firstField(OutputUnit unit) {
    if (unit == null) return null;
    String location = unit.getInstanceLocation();
    if (location != null && location.startsWith("#/") && location.length() > 2) {
      String rest = location.substring(2);
      int slash = rest.indexOf('/');
      return slash < 0 ? rest : rest.substring(0, slash);
    }
    if (unit.getErrors() == null) return null;
    for (OutputUnit inner : unit.getErrors()) {
      String field = firstField(inner);
      if (field != null) return field;
    }
    return null;
  }

  /** Follows a local {@code $ref} ({@code #/components/schemas/X}) through the document. */
  private JsonObject resolve(JsonObject schema) {
    if (schema == null || !schema.containsKey("$ref")) return schema;
    Object at = contract.getRawContract();
    for (String part : schema.getString("$ref").replaceFirst("^#/", "").split("/")) {
      if (!(at instanceof JsonObject object)) return null;
      at = object.getValue(part);
    }
    return at instanceof JsonObject found ? found : null;
  }
}
