package io.pier.node.session;

import io.pier.node.limits.SessionLimits;
import io.vertx.core.Context;
import io.vertx.core.http.ServerWebSocket;
import java.util.function.LongConsumer;

/**
 * A session's output written while its socket's write queue is full: counted against the slow-reader bound
 * ({@link SessionLimits#slowReaderBytes()}), and the socket looked at again until it has room.
 * On the repl's context.
 */
final class SocketBacklog {
  /**
   * How soon a congested socket is looked at again for room. Its drain event is the usual signal, but one can be
   * missed (the queue emptied between the check that found it full and the write that followed), which would leave
   * its streams paused for good.
   */
  private static final long DRAIN_RECHECK_MS = 500;

  private final SessionHub hub;
  private final ServerWebSocket socket;
  private final Context context;
  private final Runnable onRoom;
  private final LongConsumer onSlowReader;

  /** Bytes written while the socket's write queue was full, since it last drained. */
  private long backlog;

  /** The timer looking again at a congested socket, or -1. */
  private long drainRecheck = -1;

  /** Given up: the session ended, nothing is looked at again. */
  private boolean stopped;

  /**
   * @param onRoom       told when the socket has room again
   * @param onSlowReader told of the bytes waiting when they pass the slow-reader bound
   */
  SocketBacklog(
      SessionHub hub,
      ServerWebSocket socket,
      Context context,
      Runnable onRoom,
      LongConsumer onSlowReader) {
    this.hub = hub;
    this.socket = socket;
    this.context = context;
    this.onRoom = onRoom;
    this.onSlowReader = onSlowReader;
  }

  /**
   * Whether {@code bytes} more may be written now. Writes go on while the socket's write queue is full, up to the
   * slow-reader bound; past it the slow reader is told and nothing more may be written.
   */
  boolean room(int bytes) {
    boolean full;
    try {
      full = socket.writeQueueFull();
    } catch (IllegalStateException alreadyClosed) {
      return false;
    }
    if (!full) return true;
    backlog += bytes;
    hub.backlog(bytes);
    recheckForRoom();
    if (backlog > hub.limits().slowReaderBytes()) {
      onSlowReader.accept(backlog);
      return false;
    }
    return true;
  }

  /**
   * Whether output sent now would only wait: the socket's write queue is full. A stream may be paused on this answer,
   * so a congested socket is also looked at again soon ({@link #recheckForRoom}): the pause never rests on the drain
   * event alone.
   */
  boolean congested() {
    boolean full;
    try {
      full = socket.writeQueueFull();
    } catch (IllegalStateException alreadyClosed) {
      return false;
    }
    if (full) recheckForRoom();
    return full;
  }

  /** Looks again at a congested socket soon, and until it has room, in case its drain event does not come. */
  private void recheckForRoom() {
    if (drainRecheck >= 0 || stopped) return;
    drainRecheck =
        hub.vertx()
            .setTimer(
                DRAIN_RECHECK_MS,
                t ->
                    context.runOnContext(
                        v -> {
                          drainRecheck = -1;
                          if (stopped) return;
                          if (!congested()) drained();
                        }));
  }

  /** The socket has room again: what waited is forgotten. */
  void drained() {
    forget();
    onRoom.run();
  }

  /** The session ended: no more looking again, and what waited is forgotten. */
  void stop() {
    stopped = true;
    if (drainRecheck >= 0) hub.vertx().cancelTimer(drainRecheck);
    forget();
  }

  private void forget() {
    hub.backlog(-backlog);
    backlog = 0;
  }
}
