package io.pier.common.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.SchemaValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The API's one source of truth for the wire: the OpenAPI 3.1 document {@code openapi.yaml} in this module's
 * resources, which describes the scheduler's routes and, marked {@code x-pier-served-by}, those another service serves
 * behind the edge (the node-agent's exec, processes, files and archives). Each service checks the requests of its own
 * operations against it.
 */
public final class OpenApiDocument {
  public static final String RESOURCE = "openapi.yaml";

  /** The extension that names the service serving an operation; absent for the scheduler's own. */
  public static final String SERVED_BY = "x-pier-served-by";

  /** The code a refusal gets when the document names none for the field at fault. */
  public static final String INVALID = "invalid_request";

  private final OpenAPIContract contract;

  private OpenApiDocument(OpenAPIContract contract) {
    this.contract = contract;
  }

  /** Reads and checks the document: a service with a broken document does not start. */
  public static Future<OpenApiDocument> load(Vertx vertx) {
    JsonObject document;
    try {
      document = read();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return OpenAPIContract.from(vertx, document).map(OpenApiDocument::new);
  }

  /** The document as JSON, read from the classpath. */
  public static JsonObject read() {
    try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      Map<String, Object> yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      return new JsonObject(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public OpenAPIContract contract() {
    return contract;
  }

  /** The document as JSON. */
  public JsonObject raw() {
    return contract.getRawContract();
  }

  /** The operation {@code method path} is, or null when the document does not describe it. */
  public Operation find(String path, HttpMethod method) {
    return contract.findOperation(path, method);
  }

  /** The service that serves {@code operation} ({@code node-agent}), or null for the scheduler's own. */
  public static String servedBy(Operation operation) {
    return operation.getExtensions().get(SERVED_BY) instanceof String service ? service : null;
  }

  /**
   * The code a refusal is answered with: the one the document names for the body's field at fault ({@code
   * x-pier-error}, as {@code invalid_labels} for labels), {@code invalid_request} otherwise.
   */
  public String errorCode(Operation operation, Throwable err) {
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
