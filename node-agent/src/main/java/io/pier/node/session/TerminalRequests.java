package io.pier.node.session;

import static io.pier.node.session.RequestFields.channel;
import static io.pier.node.session.RequestFields.size;

import io.pier.node.limits.SessionLimits;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** A session's {@code term.*} requests: the repl's terminals, opened and attached for this session. */
final class TerminalRequests {
  private static final int DEFAULT_COLS = 80;
  private static final int DEFAULT_ROWS = 24;

  private final SessionSocket session;
  private final ReplTerminals terminals;
  private final SessionLimits limits;

  TerminalRequests(SessionSocket session, ReplTerminals terminals, SessionLimits limits) {
    this.session = session;
    this.terminals = terminals;
    this.limits = limits;
  }

  Future<JsonObject> open(JsonObject r) {
    return terminals
        .open(
            session,
            limits.terminalsPerRepl(),
            size(r, "cols", DEFAULT_COLS),
            size(r, "rows", DEFAULT_ROWS))
        .map(term -> new JsonObject().put("term", term));
  }

  Future<JsonObject> attach(JsonObject r) {
    int term = channel(r);
    return terminals
        .attach(session, term)
        .map(sizes -> new JsonObject().put("term", term).put("sizes", sizes));
  }

  Future<JsonObject> resize(JsonObject r) {
    return terminals
        .resize(channel(r), size(r, "cols", DEFAULT_COLS), size(r, "rows", DEFAULT_ROWS))
        .map(v -> new JsonObject());
  }

  Future<JsonObject> close(JsonObject r) {
    return terminals.close(channel(r)).map(v -> new JsonObject());
  }
}
