package io.pier.node.session;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IDE tab's WebSocket (docs/protocol.md): answers its requests in order, relays terminal bytes, and passes on
 * the repl's events. A bad frame gets an error answer; the connection stays up.
 */
public final class SessionSocket {
  private static final Logger LOG = LoggerFactory.getLogger(SessionSocket.class);
  private static final long PING_EVERY_MS = 25_000;
  private static final JsonObject KEEPALIVE = new JsonObject().put("event", "keepalive");

  private final Vertx vertx;
  private final ServerWebSocket socket;
  private final LiveRepl repl;
  private final String id = UUID.randomUUID().toString().substring(0, 8);
  /** Requests are answered in the order they came: each waits for the one before. */
  private Future<?> previous = Future.succeededFuture();
  private boolean closed;

  private SessionSocket(Vertx vertx, ServerWebSocket socket, LiveRepl repl) {
    this.vertx = vertx;
    this.socket = socket;
    this.repl = repl;
  }

  /**
   * Serves {@code socket} for {@code repl} until either ends. Handlers are set at once, on the socket's own event
   * loop; everything they do happens on the repl's context.
   */
  public static SessionSocket serve(Vertx vertx, ServerWebSocket socket, LiveRepl repl) {
    SessionSocket session = new SessionSocket(vertx, socket, repl);
    // The socket's events arrive on its connection's event loop; the repl's state lives on the repl's context.
    socket.textMessageHandler(text -> repl.context().runOnContext(v -> session.onText(text)));
    socket.binaryMessageHandler(frame -> repl.context().runOnContext(v -> session.onBinary(frame)));
    socket.exceptionHandler(err -> LOG.debug("session {} of {}: {}", session.id, repl.slug(), err.toString()));
    repl.context().runOnContext(v -> repl.join(session));
    // Traffic now and then keeps idle sessions alive through proxies and load balancers that cut quiet
    // connections. A text event, not a WebSocket ping: the edge's relay does not pass control frames through.
    long pinger = vertx.setPeriodic(PING_EVERY_MS, t -> session.sendEvent(KEEPALIVE));
    socket.closeHandler(v -> {
      vertx.cancelTimer(pinger);
      repl.context().runOnContext(x -> session.onClosed());
    });
    return session;
  }

  String id() {
    return id;
  }

  void sendEvent(JsonObject event) {
    if (!closed) socket.writeTextMessage(event.encode());
  }

  void sendBinary(int channel, byte[] data) {
    if (!closed) socket.writeBinaryMessage(LiveRepl.frame(channel, data));
  }

  void close(short code, String reason) {
    if (!closed) socket.close(code, reason);
  }

  private void onClosed() {
    closed = true;
    repl.leave(this);
  }

  private void onBinary(Buffer frame) {
    if (frame.length() < 1) return;
    int channel = frame.getUnsignedByte(0);
    if (channel == 0) {
      sendEvent(errorEvent("bad_request", "channel 0 is the run process's output; it takes no input"));
      return;
    }
    repl.terminalInput(channel, frame.getBytes(1, frame.length()));
  }

  private void onText(String text) {
    JsonObject request;
    try {
      request = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      sendEvent(errorEvent("bad_request", "a text frame must be a JSON object"));
      return;
    }
    Object id = request.getValue("id");
    if (!(id instanceof Number)) {
      sendEvent(errorEvent("bad_request", "a request needs a numeric \"id\""));
      return;
    }
    Future<JsonObject> answered = previous.transform(ignored -> {
      try {
        return dispatch(request);
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    });
    previous = answered;
    answered.onComplete(ar -> {
      JsonObject reply = ar.succeeded() ? ar.result().put("ok", true) : failure(ar.cause());
      sendEvent(reply.put("id", id));
    });
  }

  private Future<JsonObject> dispatch(JsonObject r) {
    String op = r.getValue("op") instanceof String s ? s : null;
    if (op == null) throw new SessionException("bad_request", "a request needs an \"op\"");
    WorkspaceFiles files = repl.files();
    switch (op) {
      case "fs.list":
        return blocking(() -> {
          WorkspaceFiles.Listing listing = files.list(text(r, "path"));
          return new JsonObject().put("entries", new JsonArray(listing.entries().stream()
              .map(e -> new JsonObject().put("name", e.name()).put("path", e.path()).put("type", e.type())
                  .put("size", e.size())).toList())).put("truncated", listing.truncated());
        });
      case "fs.read":
        return blocking(() -> {
          String path = text(r, "path");
          WorkspaceFiles.Text t = files.read(path);
          return new JsonObject().put("path", path).put("content", t.content()).put("version", t.version())
              .put("size", t.size());
        });
      case "fs.write": {
        String path = text(r, "path");
        String content = text(r, "content");
        String base = optionalText(r, "baseVersion");
        return blocking(() -> {
          boolean existed = files.exists(path);
          String version = saving(List.of(path), files.write(path, content, base));
          return new FileChange(path, "file", existed ? "modified" : "created", version);
        }).map(this::changed);
      }
      case "fs.edit": {
        String path = text(r, "path");
        String base = text(r, "baseVersion");
        List<WorkspaceFiles.Change> changes = changes(r);
        return blocking(() -> saving(List.of(path), files.edit(path, base, changes)))
            .map(version -> changed(new FileChange(path, "file", "modified", version)));
      }
      case "fs.create": {
        String path = text(r, "path");
        String type = text(r, "type");
        if (!type.equals("file") && !type.equals("dir")) throw bad("type must be \"file\" or \"dir\"");
        String content = optionalText(r, "content");
        return blocking(() -> saving(List.of(path), files.create(path, type.equals("dir"), content)))
            .map(version -> changed(new FileChange(path, type, "created", version)));
      }
      case "fs.rename": {
        String from = text(r, "from");
        String to = text(r, "to");
        return blocking(() -> {
          boolean directory = files.isDirectory(from);
          files.rename(from, to);
          repl.saved(List.of(from, to));
          String type = directory ? "dir" : "file";
          return List.of(new FileChange(from, type, "deleted", null),
              new FileChange(to, type, "created", directory ? null : files.versionOf(to)));
        }).map(list -> {
          repl.announce(list, this);
          return new JsonObject();
        });
      }
      case "fs.delete": {
        String path = text(r, "path");
        return blocking(() -> {
          boolean directory = files.isDirectory(path);
          files.delete(path);
          repl.saved(List.of(path));
          return directory ? "dir" : "file";
        }).map(type -> changed(new FileChange(path, type, "deleted", null)));
      }
      case "term.open":
        return repl.openTerminal(this, size(r, "cols", 80), size(r, "rows", 24))
            .map(term -> new JsonObject().put("term", term));
      case "term.attach": {
        int term = channel(r);
        return repl.attachTerminal(this, term).map(v -> new JsonObject().put("term", term));
      }
      case "term.resize":
        return repl.resizeTerminal(channel(r), size(r, "cols", 80), size(r, "rows", 24)).map(v -> new JsonObject());
      case "term.close":
        return repl.closeTerminal(channel(r)).map(v -> new JsonObject());
      case "run.start":
        return repl.startRun().map(v -> new JsonObject());
      case "run.stop":
        return repl.stopRun().map(v -> new JsonObject());
      default:
        throw bad("unknown op \"" + op + "\"");
    }
  }

  /** Journals the change for storage before the session is told it is saved. */
  private <T> T saving(List<String> paths, T result) {
    repl.saved(paths);
    return result;
  }

  private JsonObject changed(FileChange change) {
    repl.announce(List.of(change), this);
    JsonObject reply = new JsonObject();
    if (change.version() != null) reply.put("version", change.version());
    return reply;
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  private static JsonObject failure(Throwable err) {
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

  private static JsonObject errorEvent(String code, String message) {
    return new JsonObject().put("event", "error").put("error", code).put("message", message);
  }

  private static SessionException bad(String message) {
    return new SessionException("bad_request", message);
  }

  private static String text(JsonObject r, String key) {
    if (!(r.getValue(key) instanceof String s)) throw bad("\"" + key + "\" must be a string");
    return s;
  }

  private static String optionalText(JsonObject r, String key) {
    Object value = r.getValue(key);
    if (value == null) return null;
    if (!(value instanceof String s)) throw bad("\"" + key + "\" must be a string");
    return s;
  }

  private static int channel(JsonObject r) {
    if (!(r.getValue("term") instanceof Number n) || n.intValue() < 1 || n.intValue() > 255) {
      throw bad("\"term\" must be a terminal channel 1..255");
    }
    return n.intValue();
  }

  private static int size(JsonObject r, String key, int fallback) {
    Object value = r.getValue(key);
    if (value == null) return fallback;
    if (!(value instanceof Number n) || n.intValue() < 1 || n.intValue() > 1000) {
      throw bad("\"" + key + "\" must be a number 1..1000");
    }
    return n.intValue();
  }

  private static List<WorkspaceFiles.Change> changes(JsonObject r) {
    if (!(r.getValue("changes") instanceof JsonArray array)) throw bad("\"changes\" must be an array");
    List<WorkspaceFiles.Change> changes = new ArrayList<>(array.size());
    for (Object item : array) {
      if (!(item instanceof JsonObject c) || !(c.getValue("from") instanceof Number from)
          || !(c.getValue("to") instanceof Number to) || !(c.getValue("insert") instanceof String insert)) {
        throw bad("each change needs numeric \"from\" and \"to\" and a string \"insert\"");
      }
      changes.add(new WorkspaceFiles.Change(from.intValue(), to.intValue(), insert));
    }
    return changes;
  }
}
