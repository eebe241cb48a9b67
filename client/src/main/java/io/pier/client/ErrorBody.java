package io.pier.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Reads Pier's error body, {@code {"error": code, "message": text}}; anything else still gives a readable error. */
final class ErrorBody {
  private static final int MAX_SHOWN = 200;

  private ErrorBody() {}

  static PierException parse(ObjectMapper json, int status, String body) {
    try {
      JsonNode node = json.readTree(body);
      if (node != null && node.isObject() && node.path("error").isTextual()) {
        String code = node.get("error").asText();
        String message = node.path("message").asText(code);
        return new PierException(status, code, message);
      }
    } catch (IOException e) {
      // not JSON: a proxy's page or plain text, shown as it is below
    }
    String shown = body.strip().replaceAll("\\s+", " ");
    if (shown.length() > MAX_SHOWN) shown = shown.substring(0, MAX_SHOWN) + "…";
    return new PierException(
        status, "http_" + status, shown.isEmpty() ? "Pier answered HTTP " + status : shown);
  }
}
