package io.pier.node.session;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Reads a session request's fields, refusing the request with {@code bad_request} when one is not as it must be. */
final class RequestFields {
  private RequestFields() {}

  static SessionException bad(String message) {
    return new SessionException("bad_request", message);
  }

  static String text(JsonObject r, String key) {
    if (!(r.getValue(key) instanceof String s)) throw bad("\"" + key + "\" must be a string");
    return s;
  }

  static String optionalText(JsonObject r, String key) {
    Object value = r.getValue(key);
    if (value == null) return null;
    if (!(value instanceof String s)) throw bad("\"" + key + "\" must be a string");
    return s;
  }

  static int channel(JsonObject r) {
    if (!(r.getValue("term") instanceof Number n) || n.intValue() < 1 || n.intValue() > 255) {
      throw bad("\"term\" must be a terminal channel 1..255");
    }
    return n.intValue();
  }

  static int size(JsonObject r, String key, int fallback) {
    Object value = r.getValue(key);
    if (value == null) return fallback;
    if (!(value instanceof Number n) || n.intValue() < 1 || n.intValue() > 1000) {
      throw bad("\"" + key + "\" must be a number 1..1000");
    }
    return n.intValue();
  }

  static List<WorkspaceFiles.Change> changes(JsonObject r) {
    if (!(r.getValue("changes") instanceof JsonArray array))
      throw bad("\"changes\" must be an array");
    List<WorkspaceFiles.Change> changes = new ArrayList<>(array.size());
    for (Object item : array) {
      if (!(item instanceof JsonObject c)
          || !(c.getValue("from") instanceof Number from)
          || !(c.getValue("to") instanceof Number to)
          || !(c.getValue("insert") instanceof String insert)) {
        throw bad("each change needs numeric \"from\" and \"to\" and a string \"insert\"");
      }
      changes.add(new WorkspaceFiles.Change(from.intValue(), to.intValue(), insert));
    }
    return changes;
  }
}
