package io.pier.node.session;

import io.pier.node.limits.BlockingPool;
import io.pier.node.limits.SessionLimits;
import io.pier.node.limits.SessionSlots;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IDE tab's WebSocket (docs/protocol.md): answers its requests in order, relays terminal bytes, and passes on
 * the repl's events. A bad frame gets an error answer; the connection stays up.
 *
 * <p>Bounded (docs/protocol.md#limits): a session with more than {@link SessionLimits#requestsInFlight()} frames sent
 * and not yet handled (or more than {@link SessionLimits#requestBytesInFlight()} bytes of them) is closed with
 * {@link #TOO_MANY_REQUESTS}; one that does not read its output, while others read theirs, is closed with
 * {@link #SLOW_READER} once {@link SessionLimits#slowReaderBytes()} wait beyond its socket's write queue. File
 * operations run on the node's file pool and are answered {@code busy} or {@code timeout} when it cannot take them.
 */
public final class SessionSocket {
  /** Close code: the client sent more than the node takes at once without waiting for answers. */
  public static final short TOO_MANY_REQUESTS = 4008;
  /** Close code: the client did not read its output while others showing the same output did. */
  public static final short SLOW_READER = 4009;
  /** Close code of every session when its repl stops here. */
  public static final short REPL_STOPPED = 1001;
  private static final Logger LOG = LoggerFactory.getLogger(SessionSocket.class);
  private static final long PING_EVERY_MS = 25_000;
  private static final JsonObject KEEPALIVE = new JsonObject().put("event", "keepalive");
  /**
   * How long a close the node started may wait for the peer. A close frame waits behind the output the peer has not
   * read, and Vert.x counts its closing timeout only once the frame is written: a peer that reads nothing would keep
   * the connection, and all it holds, for ever.
   */
  static final long FORCE_CLOSE_MS = 5_000;

  private final SessionHub hub;
  private final ServerWebSocket socket;
  /** The connection under the socket, to cut it when a close cannot get through. */
  private final HttpConnection connection;
  private final LiveRepl repl;
  private final SessionSlots.Slot slot;
  private final String id = UUID.randomUUID().toString().substring(0, 8);
  /** Frames received and not yet handled (requests: answered), counted on the socket's thread before any hop. */
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong inFlightBytes = new AtomicLong();
  private final AtomicBoolean overLimit = new AtomicBoolean();
  /** The connection is gone (the close handler ran). */
  private final AtomicBoolean disconnected = new AtomicBoolean();
  /** Requests are answered in the order they came: each waits for the one before. */
  private Future<?> previous = Future.succeededFuture();
  /** No more writes: the socket closed or is closing. On the repl's context. */
  private boolean closed;
  /** Left the repl and gave back what it held. On the repl's context. */
  private boolean ended;
  /** Bytes written while the socket's write queue was full, since it last drained. On the repl's context. */
  private long backlog;
  private long pinger = -1;

  private SessionSocket(SessionHub hub, ServerWebSocket socket, HttpConnection connection, LiveRepl repl,
                        SessionSlots.Slot slot) {
    this.hub = hub;
    this.socket = socket;
    this.connection = connection;
    this.repl = repl;
    this.slot = slot;
  }

  /**
   * Serves {@code socket} for {@code repl} until either ends, holding {@code slot} until then. Handlers are set at
   * once, on the socket's own event loop; everything they do happens on the repl's context.
   *
   * @param connection the upgraded request's connection: what a close that cannot get through cuts
   */
  public static SessionSocket serve(SessionHub hub, ServerWebSocket socket, HttpConnection connection, LiveRepl repl,
                                    SessionSlots.Slot slot) {
    SessionSocket session = new SessionSocket(hub, socket, connection, repl, slot);
    hub.opened(repl);
    // The socket's events arrive on its connection's event loop; the repl's state lives on the repl's context.
    // Frames are counted here, before the hop, so that a flood cannot pile up tasks on the repl's context.
    socket.textMessageHandler(text -> {
      int size = text.length();
      if (session.admit(size)) repl.context().runOnContext(v -> session.onText(text, size));
    });
    socket.binaryMessageHandler(frame -> {
      int size = frame.length();
      if (session.admit(size)) {
        repl.context().runOnContext(v -> {
          try {
            session.onBinary(frame);
          } finally {
            session.handled(size);
          }
        });
      }
    });
    socket.drainHandler(v -> repl.context().runOnContext(x -> session.drained()));
    socket.exceptionHandler(err -> LOG.debug("session {} of {}: {}", session.id, repl.slug(), err.toString()));
    socket.closeHandler(v -> {
      session.disconnected.set(true);
      if (session.pinger >= 0) hub.vertx().cancelTimer(session.pinger);
      repl.context().runOnContext(x -> session.onClosed());
    });
    // Traffic now and then keeps idle sessions alive through proxies and load balancers that cut quiet
    // connections. A text event, not a WebSocket ping: the edge's relay does not pass control frames through.
    session.pinger = hub.vertx().setPeriodic(PING_EVERY_MS,
        t -> repl.context().runOnContext(v -> session.keepalive()));
    repl.context().runOnContext(v -> repl.join(session));
    return session;
  }

  String id() {
    return id;
  }

  SessionLimits limits() {
    return hub.limits();
  }

  /** Counts a frame in; past the session's limits closes it instead. On the socket's thread. */
  private boolean admit(int bytes) {
    if (overLimit.get()) return false;
    int frames = inFlight.incrementAndGet();
    long total = inFlightBytes.addAndGet(bytes);
    hub.inFlight(1, bytes);
    SessionLimits limits = hub.limits();
    if (frames > limits.requestsInFlight() || total > limits.requestBytesInFlight()) {
      handled(bytes);
      if (overLimit.compareAndSet(false, true)) {
        hub.closedTooMany();
        LOG.info("closing session {} of {}: more than {} requests or {} bytes in flight", id, repl.slug(),
            limits.requestsInFlight(), limits.requestBytesInFlight());
        closeSocket(TOO_MANY_REQUESTS, "too many requests in flight");
      }
      return false;
    }
    return true;
  }

  /** A counted frame is handled (a request: answered). Any thread. */
  private void handled(int bytes) {
    inFlight.decrementAndGet();
    inFlightBytes.addAndGet(-bytes);
    hub.inFlight(-1, -bytes);
  }

  void sendEvent(JsonObject event) {
    String text = event.encode();
    if (room(text.length())) socket.writeTextMessage(text);
  }

  void sendBinary(int channel, byte[] data) {
    if (room(data.length + 1)) socket.writeBinaryMessage(LiveRepl.frame(channel, data));
  }

  /**
   * Whether {@code bytes} more may be written now. Writes go on while the socket's write queue is full, up to the
   * slow-reader bound; past it the session is closed with {@link #SLOW_READER}.
   */
  private boolean room(int bytes) {
    if (closed) return false;
    boolean full;
    try {
      full = socket.writeQueueFull();
    } catch (IllegalStateException alreadyClosed) {
      return false;
    }
    if (!full) return true;
    backlog += bytes;
    hub.backlog(bytes);
    if (backlog > hub.limits().slowReaderBytes()) {
      hub.closedSlowReader();
      LOG.info("closing session {} of {}: it did not read {} bytes of output", id, repl.slug(), backlog);
      close(SLOW_READER, "output not read");
      return false;
    }
    return true;
  }

  /** Whether output sent now would only wait: the socket's write queue is full. On the repl's context. */
  boolean congested() {
    if (closed) return false;
    try {
      return socket.writeQueueFull();
    } catch (IllegalStateException alreadyClosed) {
      return false;
    }
  }

  private void drained() {
    hub.backlog(-backlog);
    backlog = 0;
    if (!closed) repl.drained(this);
  }

  private void keepalive() {
    if (!congested()) sendEvent(KEEPALIVE);
  }

  /** Closes the socket and leaves the repl at once, without waiting for the peer. On the repl's context. */
  void close(short code, String reason) {
    if (closed) return;
    closed = true;
    closeSocket(code, reason);
    end();
  }

  /** Sends a close frame, and cuts the connection if the peer has not closed it {@link #FORCE_CLOSE_MS} later. */
  private void closeSocket(short code, String reason) {
    socket.close(code, reason);
    hub.vertx().setTimer(FORCE_CLOSE_MS, t -> {
      if (disconnected.get()) return;
      LOG.info("session {} of {} did not take its close frame in {} ms; cutting its connection", id, repl.slug(),
          FORCE_CLOSE_MS);
      cut();
    });
  }

  /**
   * Closes the TCP connection at once. Vert.x's close (and Netty's, from anywhere but the head of the pipeline) is
   * graceful: it sends a close frame behind the unsent output and waits for it to be written, which a peer that
   * reads nothing never lets happen. This reaches the channel through Vert.x's connection class, an implementation
   * type: there is no public way to abort a connection.
   */
  private void cut() {
    io.netty.channel.Channel channel = null;
    if (connection instanceof io.vertx.core.net.impl.ConnectionBase base) {
      channel = base.channel();
    } else if (socket instanceof io.vertx.core.internal.http.WebSocketInternal internal) {
      channel = internal.channelHandlerContext().channel();
    }
    if (channel == null) {
      LOG.warn("cannot cut the connection of session {} ({}); it closes when its peer goes", id,
          connection == null ? socket.getClass().getName() : connection.getClass().getName());
      return;
    }
    io.netty.channel.ChannelHandlerContext first = channel.pipeline().firstContext();
    if (first != null) {
      first.close();
    } else {
      channel.close();
    }
  }

  private void onClosed() {
    closed = true;
    end();
    slot.release();
    hub.closed(repl);
  }

  /** Leaves the repl (and its terminals) and forgets the backlog, once. */
  private void end() {
    if (ended) return;
    ended = true;
    hub.backlog(-backlog);
    backlog = 0;
    repl.leave(this);
  }

  private void onBinary(Buffer frame) {
    if (frame.length() < 1) return;
    int channel = frame.getUnsignedByte(0);
    if (channel == 0) {
      sendEvent(errorEvent("bad_request", "channel 0 is the run process's output; it takes no input"));
      return;
    }
    int dropped = repl.terminalInput(channel, frame.getBytes(1, frame.length()));
    if (dropped > 0) {
      hub.inputDropped(dropped);
      sendEvent(errorEvent("busy", "terminal " + channel + " is not reading its input; " + dropped
          + " bytes were dropped"));
    }
  }

  private void onText(String text, int size) {
    JsonObject request;
    try {
      request = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      handled(size);
      sendEvent(errorEvent("bad_request", "a text frame must be a JSON object"));
      return;
    }
    Object id = request.getValue("id");
    if (!(id instanceof Number)) {
      handled(size);
      sendEvent(errorEvent("bad_request", "a request needs a numeric \"id\""));
      return;
    }
    Future<JsonObject> answered = previous.transform(ignored -> {
      // A closed session's queued requests are not done: nobody would hear the answer.
      if (closed) return Future.failedFuture(new SessionException("closed", "the session is closed"));
      try {
        return dispatch(request);
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    });
    previous = answered;
    answered.onComplete(ar -> {
      handled(size);
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
        return repl.openTerminal(this, hub.limits().terminalsPerRepl(), size(r, "cols", 80), size(r, "rows", 24))
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

  /** File work: on the node's file pool, never on Vert.x's threads; answered {@code busy} or {@code timeout}. */
  private <T> Future<T> blocking(Callable<T> work) {
    return Future.fromCompletionStage(hub.files().submit(work), repl.context());
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
