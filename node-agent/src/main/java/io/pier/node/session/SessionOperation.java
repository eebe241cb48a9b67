package io.pier.node.session;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Answers one session request of its operation ({@code op}, docs/protocol.md); may throw a {@link SessionException}. */
@FunctionalInterface
interface SessionOperation {
  Future<JsonObject> answer(JsonObject request);
}
