package io.pier.e2e;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The IDE session protocol's schema (docs/session-protocol.schema.json): every test session checks each text frame the
 * server sends against it, so the document and the node-agent cannot drift apart unnoticed.
 */
final class SessionSchema {
  static final Path DOCUMENT = PierOnLoopback.repo().resolve("docs/session-protocol.schema.json");

  private final Validator serverMessages;
  private final Validator requests;

  private SessionSchema(JsonObject document) {
    serverMessages = validator(document, "serverMessage");
    requests = validator(document, "request");
  }

  static SessionSchema load() {
    try {
      return new SessionSchema(new JsonObject(Files.readString(DOCUMENT)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Validator validator(JsonObject document, String definition) {
    JsonObject schema = document.copy().put("$ref", "#/$defs/" + definition);
    return Validator.create(
        JsonSchema.of(schema),
        new JsonSchemaOptions()
            .setDraft(Draft.DRAFT202012)
            .setBaseUri("https://pier.invalid/")
            .setOutputFormat(OutputFormat.Basic));
  }

  /** What is wrong with a frame the server sent; empty when it fits. */
  Optional<String> problemWithServerMessage(JsonObject message) {
    return problem(serverMessages.validate(message), message);
  }

  /** What is wrong with a request a client sends; empty when it fits. */
  Optional<String> problemWithRequest(JsonObject message) {
    return problem(requests.validate(message), message);
  }

  private static Optional<String> problem(OutputUnit result, JsonObject message) {
    if (Boolean.TRUE.equals(result.getValid())) return Optional.empty();
    StringBuilder why = new StringBuilder(message.encode());
    if (result.getErrors() != null) {
      for (OutputUnit error : result.getErrors()) {
        why.append("\n  ")
            .append(error.getInstanceLocation())
            .append(": ")
            .append(error.getError());
      }
    }
    return Optional.of(why.toString());
  }
}
