package io.pier.node.collab;

import io.vertx.core.json.JsonObject;

/**
 * An event sent to many sessions at once: encoded once, however many get it (a presence change in a repl with
 * hundreds of sessions would otherwise encode the same text hundreds of times on the repl's event loop).
 */
public final class CollabEvent {
  private final JsonObject json;
  private String text;

  public CollabEvent(JsonObject json) {
    this.json = json;
  }

  public JsonObject json() {
    return json;
  }

  /** Its wire form, encoded on first use. */
  public String text() {
    if (text == null) text = json.encode();
    return text;
  }
}
