package io.pier.node.session;

import io.pier.node.limits.SessionLimits;
import io.pier.node.limits.SessionSlots;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IDE tab's WebSocket (docs/protocol.md): hands its requests to {@link SessionRequests}, relays terminal bytes,
 * and passes on the repl's events. A bad frame gets an error answer; the connection stays up.
 *
 * <p>Bounded (docs/protocol.md#limits): a session with more than {@link SessionLimits#requestsInFlight()} frames sent
 * and not yet handled (or more than {@link SessionLimits#requestBytesInFlight()} bytes of them) is closed with
 * {@link #TOO_MANY_REQUESTS} ({@link InFlightRequests}); one that does not read its output, while others read theirs,
 * is closed with {@link #SLOW_READER} once {@link SessionLimits#slowReaderBytes()} wait beyond its socket's write
 * queue. File operations run on the node's file pool and are answered {@code busy} or {@code timeout} when it cannot
 * take them ({@link FileOperations}).
 */
public final class SessionSocket {
  /** Close code: the client sent more than the node takes at once without waiting for answers. */
  public static final short TOO_MANY_REQUESTS = 4008;

  /** Close code: the client did not read its output while others showing the same output did. */
  public static final short SLOW_READER = 4009;

  /** Close code: the repl's owner took back the caller's access (or deleted its account). */
  public static final short ACCESS_REVOKED = 4003;

  /** Close code of every session when its repl stops here. */
  public static final short REPL_STOPPED = 1001;

  private static final Logger LOG = LoggerFactory.getLogger(SessionSocket.class);
  private static final long PING_EVERY_MS = 25_000;

  /**
   * The most output bytes one binary message carries. A replay holds up to 64 KiB, and in one message it is a frame
   * just past the 64 KiB that WebSocket clients commonly accept by default (Vert.x's client closed on it: every
   * session of a repl whose app had logged 64 KiB ended right after its hello).
   */
  static final int MAX_OUTPUT_MESSAGE = 32 * 1024;

  private static final JsonObject KEEPALIVE = new JsonObject().put("event", "keepalive");

  private final SessionHub hub;
  private final ServerWebSocket socket;
  private final LiveRepl repl;
  private final SessionSlots.Slot slot;
  private final String id = UUID.randomUUID().toString().substring(0, 8);
  private final SocketCloser closer;
  private final InFlightRequests inFlight;
  private final SessionRequests requests;
  private final SessionAccess access;
  private final SessionPeer peer;
  private final SocketBacklog backlog;

  /** No more writes: the socket closed or is closing. On the repl's context. */
  private boolean closed;

  /** Left the repl and gave back what it held. On the repl's context. */
  private boolean ended;

  private long pinger = -1;
  private long accessWatch = -1;

  private SessionSocket(
      SessionHub hub,
      ServerWebSocket socket,
      HttpConnection connection,
      LiveRepl repl,
      SessionSlots.Slot slot,
      SessionAccess access) {
    this.hub = hub;
    this.access = access;
    this.socket = socket;
    this.repl = repl;
    this.slot = slot;
    this.closer = new SocketCloser(hub.vertx(), socket, connection, id, repl.slug());
    this.inFlight = new InFlightRequests(hub, this::tooManyRequests);
    this.peer = new SessionPeer(this, access);
    this.backlog =
        new SocketBacklog(hub, socket, repl.context(), this::roomAgain, this::slowReader);
    this.requests =
        new SessionRequests(
            this,
            repl,
            hub.limits(),
            inFlight,
            new FileOperations(repl, hub.files(), this),
            repl.collab().requests(peer, hub.files()),
            access);
  }

  /**
   * Serves {@code socket} for {@code repl} until either ends, holding {@code slot} until then. Handlers are set at
   * once, on the socket's own event loop; everything they do happens on the repl's context.
   *
   * @param connection the upgraded request's connection: what a close that cannot get through cuts
   * @param access     what the caller may do, read again while the session lasts
   */
  public static SessionSocket serve(
      SessionHub hub,
      ServerWebSocket socket,
      HttpConnection connection,
      LiveRepl repl,
      SessionSlots.Slot slot,
      SessionAccess access) {
    SessionSocket session = new SessionSocket(hub, socket, connection, repl, slot, access);
    hub.opened(repl);
    // The socket's events arrive on its connection's event loop; the repl's state lives on the
    // repl's context.
    // Frames are counted here, before the hop, so that a flood cannot pile up tasks on the repl's
    // context.
    socket.textMessageHandler(
        text -> {
          int size = text.length();
          if (session.inFlight.admit(size))
            repl.context().runOnContext(v -> session.requests.onText(text, size));
        });
    socket.binaryMessageHandler(
        frame -> {
          int size = frame.length();
          if (session.inFlight.admit(size)) {
            repl.context()
                .runOnContext(
                    v -> {
                      try {
                        session.onBinary(frame);
                      } finally {
                        session.inFlight.handled(size);
                      }
                    });
          }
        });
    socket.drainHandler(v -> repl.context().runOnContext(x -> session.backlog.drained()));
    socket.exceptionHandler(
        err -> LOG.debug("session {} of {}: {}", session.id, repl.slug(), err.toString()));
    socket.closeHandler(
        v -> {
          session.closer.disconnected();
          if (session.pinger >= 0) hub.vertx().cancelTimer(session.pinger);
          if (session.accessWatch >= 0) hub.vertx().cancelTimer(session.accessWatch);
          repl.context().runOnContext(x -> session.onClosed());
        });
    // Traffic now and then keeps idle sessions alive through proxies and load balancers that cut
    // quiet
    // connections. A text event, not a WebSocket ping: the edge's relay does not pass control
    // frames through.
    session.pinger =
        hub.vertx()
            .setPeriodic(PING_EVERY_MS, t -> repl.context().runOnContext(v -> session.keepalive()));
    session.accessWatch =
        access.watch(
            hub.vertx(),
            repl.context(),
            () -> session.close(ACCESS_REVOKED, "your access to this repl was taken back"));
    repl.context().runOnContext(v -> repl.join(session));
    return session;
  }

  public String id() {
    return id;
  }

  /** This session as co-editing and presence see it. */
  SessionPeer peer() {
    return peer;
  }

  /** Whether the socket closed or is closing: nothing more is written to it. On the repl's context. */
  boolean closed() {
    return closed;
  }

  /** Past the limits of requests in flight: closes the socket. On the socket's thread, once. */
  private void tooManyRequests() {
    SessionLimits limits = hub.limits();
    hub.closedTooMany();
    LOG.info(
        "closing session {} of {}: more than {} requests or {} bytes in flight",
        id,
        repl.slug(),
        limits.requestsInFlight(),
        limits.requestBytesInFlight());
    closer.close(TOO_MANY_REQUESTS, "too many requests in flight");
  }

  void sendEvent(JsonObject event) {
    sendText(event.encode());
  }

  /** Sends an event already encoded (one text for many sessions). */
  void sendText(String text) {
    if (room(text.length())) socket.writeTextMessage(text);
  }

  /** Sends an {@code error} event: something the session sent, not a request, could not be done. */
  void sendError(String code, String message) {
    sendEvent(new JsonObject().put("event", "error").put("error", code).put("message", message));
  }

  /** Output in messages of at most {@link #MAX_OUTPUT_MESSAGE} bytes each (a replay may take several). */
  void sendBinary(int channel, byte[] data) {
    int messages = Math.max(1, (data.length + MAX_OUTPUT_MESSAGE - 1) / MAX_OUTPUT_MESSAGE);
    if (!room(data.length + messages)) return;
    for (int at = 0; at < data.length || at == 0; at += MAX_OUTPUT_MESSAGE) {
      socket.writeBinaryMessage(
          frame(channel, data, at, Math.min(MAX_OUTPUT_MESSAGE, data.length - at)));
    }
  }

  private static Buffer frame(int channel, byte[] data, int from, int length) {
    Buffer b = Buffer.buffer(length + 1);
    b.appendByte((byte) channel);
    b.appendBytes(data, from, length);
    return b;
  }

  /**
   * Whether {@code bytes} more may be written now. Writes go on while the socket's write queue is full, up to the
   * slow-reader bound; past it the session is closed with {@link #SLOW_READER}.
   */
  private boolean room(int bytes) {
    return !closed && backlog.room(bytes);
  }

  /**
   * Whether output sent now would only wait: the socket's write queue is full. On the repl's context. A stream may be
   * paused on this answer, so a congested socket is also looked at again soon ({@link SocketBacklog}): the pause
   * never rests on the drain event alone.
   */
  boolean congested() {
    return !closed && backlog.congested();
  }

  private void roomAgain() {
    if (!closed) repl.drained(this);
  }

  private void slowReader(long waiting) {
    hub.closedSlowReader();
    LOG.info(
        "closing session {} of {}: it did not read {} bytes of output", id, repl.slug(), waiting);
    close(SLOW_READER, "output not read");
  }

  private void keepalive() {
    if (!congested()) sendEvent(KEEPALIVE);
  }

  /** Closes the socket and leaves the repl at once, without waiting for the peer. On the repl's context. */
  void close(short code, String reason) {
    if (closed) return;
    closed = true;
    closer.close(code, reason);
    end();
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
    backlog.stop();
    repl.leave(this);
  }

  /** Terminal input: the first byte names the terminal's channel, the rest is typed into it. */
  private void onBinary(Buffer frame) {
    if (frame.length() < 1) return;
    int channel = frame.getUnsignedByte(0);
    if (channel == 0) {
      sendError("bad_request", "channel 0 is the run process's output; it takes no input");
      return;
    }
    if (!access.mayType()) {
      sendError(
          "forbidden",
          "you are a viewer of this repl: you may watch its terminals, not type in them");
      return;
    }
    int dropped = repl.terminals().input(channel, frame.getBytes(1, frame.length()));
    if (dropped > 0) {
      hub.inputDropped(dropped);
      sendError(
          "busy",
          "terminal " + channel + " is not reading its input; " + dropped + " bytes were dropped");
    }
  }
}
