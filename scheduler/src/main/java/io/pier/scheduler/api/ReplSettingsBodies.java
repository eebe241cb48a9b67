package io.pier.scheduler.api;

import io.pier.common.http.ApiException;
import io.pier.common.repl.Labels;
import io.pier.common.repl.Lifetime;
import io.pier.common.repl.ReplNames;
import io.pier.common.repl.Visibility;
import io.pier.scheduler.ReplService;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads what a request asks of a repl's settings (visibility, labels, timeout) from its JSON body, each checked; a bad
 * value is an {@link ApiException} 400 naming the field and what it may be.
 */
final class ReplSettingsBodies {
  /** The fields {@code POST /api/repls} takes. */
  static final Set<String> CREATE_FIELDS =
      Set.of("template", "visibility", "labels", "timeoutS", "onTimeout", "title", "description");

  /** The fields {@code PATCH /api/repls/<slug>} takes. */
  static final Set<String> PATCH_FIELDS =
      Set.of("visibility", "labels", "title", "description", "forkable");

  private ReplSettingsBodies() {}

  /** What a new repl is given besides its template. */
  static ReplService.NewRepl newRepl(JsonObject body) {
    unknownFields(body, CREATE_FIELDS);
    Visibility visibility =
        body.containsKey("visibility") ? visibility(body.getValue("visibility")) : null;
    Map<String, String> labels =
        body.containsKey("labels") ? labels(body.getValue("labels")) : null;
    Duration timeout =
        body.getValue("timeoutS") == null ? null : timeout(body.getValue("timeoutS"));
    Lifetime.OnTimeout onTimeout = onTimeout(body.getValue("onTimeout"));
    if (onTimeout != null && timeout == null) {
      throw ApiException.badRequest(
          "invalid_request", "\"onTimeout\" needs a \"timeoutS\" to go with it");
    }
    String title = body.containsKey("title") ? title(body.getValue("title")) : null;
    String description =
        body.containsKey("description") ? description(body.getValue("description")) : null;
    return new ReplService.NewRepl(visibility, labels, timeout, onTimeout, title, description);
  }

  /** @throws ApiException 400 for a field the request may not send */
  static void unknownFields(JsonObject body, Set<String> allowed) {
    for (String field : body.fieldNames()) {
      if (!allowed.contains(field)) {
        throw ApiException.badRequest(
            "invalid_request",
            "unknown field '"
                + field
                + "'; accepted: "
                + List.copyOf(allowed).stream().sorted().toList());
      }
    }
  }

  static Visibility visibility(Object value) {
    if (value instanceof String text) {
      try {
        return Visibility.fromWire(text);
      } catch (IllegalArgumentException e) {
        // answered below
      }
    }
    throw ApiException.badRequest(
        "invalid_request", "\"visibility\" must be \"public\" or \"private\"");
  }

  static boolean forkable(Object value) {
    if (value instanceof Boolean forkable) return forkable;
    throw ApiException.badRequest("invalid_request", "\"forkable\" must be true or false");
  }

  static Map<String, String> labels(Object value) {
    if (!(value instanceof JsonObject json)) {
      throw ApiException.badRequest(
          "invalid_labels", "\"labels\" must be an object of names to string values");
    }
    try {
      return Labels.fromJson(json);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_labels", e.getMessage());
    }
  }

  /** A timeout in whole seconds, 1 s to 30 days. */
  static Duration timeout(Object value) {
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      long seconds = n.longValue();
      if (seconds >= 1 && seconds <= Lifetime.MAX_TIMEOUT.toSeconds()) {
        return Duration.ofSeconds(seconds);
      }
    }
    throw ApiException.badRequest(
        "invalid_timeout",
        "\"timeoutS\" must be a whole number of seconds from 1 to "
            + Lifetime.MAX_TIMEOUT.toSeconds());
  }

  /** @return null when absent */
  static Lifetime.OnTimeout onTimeout(Object value) {
    if (value == null) return null;
    try {
      if (value instanceof String text) return Lifetime.OnTimeout.fromWire(text);
    } catch (IllegalArgumentException e) {
      // answered below
    }
    throw ApiException.badRequest(
        "invalid_request", "\"onTimeout\" must be \"stop\" or \"delete\"");
  }

  /** A title: a string (blank or null clears it) within {@link ReplNames}' limits. */
  static String title(Object value) {
    if (value != null && !(value instanceof String)) {
      throw ApiException.badRequest("invalid_title", "\"title\" must be a string or null");
    }
    try {
      return ReplNames.title((String) value);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_title", e.getMessage());
    }
  }

  /** A description: a string (blank or null clears it) within {@link ReplNames}' limits. */
  static String description(Object value) {
    if (value != null && !(value instanceof String)) {
      throw ApiException.badRequest(
          "invalid_description", "\"description\" must be a string or null");
    }
    try {
      return ReplNames.description((String) value);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_description", e.getMessage());
    }
  }
}
