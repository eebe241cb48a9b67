package io.pier.node.session;

import static io.pier.node.session.RequestFields.bad;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/** A session's operations by name ({@code op}, docs/protocol.md), each answered by its handler. */
final class OperationTable {
  private final Map<String, SessionOperation> handlers;

  OperationTable(Map<String, SessionOperation> handlers) {
    this.handlers = Map.copyOf(handlers);
  }

  /** Every operation of the protocol: files, co-edited documents and presence, terminals, the run process. */
  static OperationTable of(
      FileOperations files, DocumentRequests documents, TerminalRequests terminals, LiveRepl repl) {
    Map<String, SessionOperation> ops = new LinkedHashMap<>();
    ops.put("fs.list", files::list);
    ops.put("fs.read", files::read);
    ops.put("fs.write", files::write);
    ops.put("fs.edit", files::edit);
    ops.put("fs.create", files::create);
    ops.put("fs.rename", files::rename);
    ops.put("fs.delete", files::delete);
    ops.put("fs.search", files::search);
    ops.put("fs.files", files::names);
    ops.put("doc.open", documents::open);
    ops.put("doc.push", documents::push);
    ops.put("doc.flush", documents::flush);
    ops.put("doc.close", documents::close);
    ops.put("presence", documents::presence);
    ops.put("term.open", terminals::open);
    ops.put("term.attach", terminals::attach);
    ops.put("term.resize", terminals::resize);
    ops.put("term.close", terminals::close);
    ops.put("run.start", r -> repl.startRun().map(v -> new JsonObject()));
    ops.put("run.stop", r -> repl.stopRun().map(v -> new JsonObject()));
    return new OperationTable(ops);
  }

  /** Hands the request to the handler of its {@code op}; a request without a known one is a {@code bad_request}. */
  Future<JsonObject> answer(JsonObject request) {
    String op = request.getValue("op") instanceof String s ? s : null;
    if (op == null) throw new SessionException("bad_request", "a request needs an \"op\"");
    SessionOperation handler = handlers.get(op);
    if (handler == null) throw bad("unknown op \"" + op + "\"");
    return handler.answer(request);
  }
}
