package io.pier.common.repl;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A repl's labels: names and values a program gives it to find it again ({@code GET /api/repls?label=ci=run-42}).
 * Bounded, so that a record stays small in the cluster map every edge and scheduler reads.
 */
public final class Labels {
  public static final int MAX_LABELS = 32;
  public static final int MAX_VALUE_LENGTH = 256;
  private static final Pattern NAME =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._/-]{0,62}[A-Za-z0-9])?");

  private Labels() {}

  /**
   * The labels a JSON object asks for, checked. @throws IllegalArgumentException naming what is wrong (too many, a
   * bad name, a value that is not a string or too long)
   */
  public static Map<String, String> fromJson(JsonObject json) {
    if (json == null) return Map.of();
    if (json.size() > MAX_LABELS) {
      throw new IllegalArgumentException(
          "a repl has at most " + MAX_LABELS + " labels, got " + json.size());
    }
    Map<String, String> labels = new TreeMap<>();
    for (String name : json.fieldNames()) {
      checkName(name);
      Object value = json.getValue(name);
      if (!(value instanceof String text)) {
        throw new IllegalArgumentException("label '" + name + "' must have a string value");
      }
      checkValue(name, text);
      labels.put(name, text);
    }
    return Map.copyOf(labels);
  }

  /** @throws IllegalArgumentException unless 1–64 letters, digits, {@code . _ / -}, starting and ending alphanumeric */
  public static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "label name '"
              + name
              + "' is not allowed: 1-64 letters, digits, '.', '_', '/' or '-', "
              + "starting and ending with a letter or digit");
    }
  }

  private static void checkValue(String name, String value) {
    if (value.length() > MAX_VALUE_LENGTH || value.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "the value of label '"
              + name
              + "' must be at most "
              + MAX_VALUE_LENGTH
              + " characters without control characters");
    }
  }

  public static JsonObject toJson(Map<String, String> labels) {
    JsonObject json = new JsonObject();
    new TreeMap<>(labels).forEach(json::put);
    return json;
  }

  /**
   * A filter from {@code name=value} (that value) or {@code name} (any value). @throws IllegalArgumentException for
   * a bad name
   */
  public static Map.Entry<String, String> selector(String text) {
    int equals = text.indexOf('=');
    String name = equals < 0 ? text : text.substring(0, equals);
    checkName(name);
    return Map.entry(name, equals < 0 ? "" : text.substring(equals + 1));
  }

  /** Whether the labels hold every selector: its name, with its value unless the selector has none. */
  public static boolean matchAll(
      Map<String, String> labels, Iterable<Map.Entry<String, String>> selectors) {
    for (Map.Entry<String, String> selector : selectors) {
      String value = labels.get(selector.getKey());
      if (value == null) return false;
      if (!selector.getValue().isEmpty() && !selector.getValue().equals(value)) return false;
    }
    return true;
  }
}
