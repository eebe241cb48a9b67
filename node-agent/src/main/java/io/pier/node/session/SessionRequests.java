package io.pier.node.session;

import io.pier.node.limits.BlockingPool;
import io.pier.node.limits.SessionLimits;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one session's requests (its text frames, docs/protocol.md) in the order they came: parses each, hands it to
 * the handler of its {@code op} ({@link OperationTable}: files, the repl's terminals, its run process), and sends the
 * answer, or the error it failed with. On the repl's context.
 */
final class SessionRequests {
  private static final Logger LOG = LoggerFactory.getLogger(SessionRequests.class);

  private final SessionSocket session;
  private final InFlightRequests inFlight;
  private final OperationTable operations;
  private final SessionAccess access;

  /** Requests are answered in the order they came: each waits for the one before. */
  private Future<?> previous = Future.succeededFuture();

  /** @param inFlight where each request is counted out once it is answered */
  SessionRequests(
      SessionSocket session,
      LiveRepl repl,
      SessionLimits limits,
      InFlightRequests inFlight,
      FileOperations files,
      DocumentRequests documents,
      SessionAccess access) {
    this.session = session;
    this.access = access;
    this.inFlight = inFlight;
    this.operations =
        OperationTable.of(
            files, documents, new TerminalRequests(session, repl.terminals(), limits), repl);
  }

  /** A text frame of {@code size} characters, counted in by {@link InFlightRequests#admit}. */
  void onText(String text, int size) {
    JsonObject request;
    try {
      request = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      inFlight.handled(size);
      session.sendError("bad_request", "a text frame must be a JSON object");
      return;
    }
    Object id = request.getValue("id");
    if (!(id instanceof Number)) {
      inFlight.handled(size);
      session.sendError("bad_request", "a request needs a numeric \"id\"");
      return;
    }
    Future<JsonObject> answered =
        previous.transform(
            ignored -> {
              // A closed session's queued requests are not done: nobody would hear the answer.
              if (session.closed())
                return Future.failedFuture(new SessionException("closed", "the session is closed"));
              String op = request.getValue("op") instanceof String s ? s : null;
              if (op != null && !access.allows(op))
                return Future.failedFuture(SessionAccess.refused(op));
              try {
                return operations.answer(request);
              } catch (RuntimeException e) {
                return Future.failedFuture(e);
              }
            });
    previous = answered;
    answered.onComplete(
        ar -> {
          inFlight.handled(size);
          JsonObject reply = ar.succeeded() ? ar.result().put("ok", true) : failure(ar.cause());
          session.sendEvent(reply.put("id", id));
        });
  }

  private static JsonObject failure(Throwable err) {
    if (err instanceof CompletionException && err.getCause() != null) err = err.getCause();
    if (err instanceof BlockingPool.Busy) return error("busy", err.getMessage());
    if (err instanceof BlockingPool.TimedOut) {
      return error("timeout", err.getMessage() + "; it may still complete, reload to see");
    }
    if (err instanceof WorkspaceFiles.VersionConflict conflict) {
      return error("conflict", conflict.getMessage()).put("version", conflict.currentVersion());
    }
    if (err instanceof SessionException s) return error(s.code(), s.getMessage());
    LOG.warn("session request failed", err);
    return error("internal", "the request failed on the node: " + err.getMessage());
  }

  private static JsonObject error(String code, String message) {
    return new JsonObject().put("ok", false).put("error", code).put("message", message);
  }
}
