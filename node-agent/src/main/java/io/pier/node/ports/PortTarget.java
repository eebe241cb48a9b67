package io.pier.node.ports;

import io.vertx.core.json.JsonObject;

/**
 * Where a request for a sandbox's port goes ({@link #address} and {@link #path}), or what it is answered with instead
 * ({@link #status} and a JSON body).
 */
record PortTarget(String address, PortPath path, int status, JsonObject body) {

  static PortTarget to(String address, PortPath path) {
    return new PortTarget(address, path, 0, null);
  }

  /** An answer in Pier's error shape, {@code {"error", "message"}}. */
  static PortTarget refused(int status, String code, String message) {
    return new PortTarget(
        null, null, status, new JsonObject().put("error", code).put("message", message));
  }

  /** An answer with a body of its own (E2B's shape). */
  static PortTarget answered(int status, JsonObject body) {
    return new PortTarget(null, null, status, body);
  }

  /** E2B's answer for a sandbox that is gone (or not here): 502, which its SDK reads as "not running". */
  static PortTarget sandboxNotFound(String slug) {
    return answered(
        502,
        new JsonObject()
            .put("sandboxId", slug)
            .put("message", "The sandbox was not found")
            .put("code", 502));
  }

  /** A port of a running sandbox where nothing listens, in E2B's shape. */
  static PortTarget portNotOpen(PortPath path) {
    return answered(
        502,
        new JsonObject()
            .put("sandboxId", path == null ? null : path.slug())
            .put("port", path == null ? null : path.port())
            .put("message", "The sandbox is running but port is not open")
            .put("code", 502));
  }

  boolean proceeds() {
    return address != null;
  }

  String json() {
    return body.encode();
  }
}
