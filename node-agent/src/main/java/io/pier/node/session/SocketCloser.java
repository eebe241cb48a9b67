package io.pier.node.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a session's socket from the node's side: sends the close frame, and cuts the connection when the peer does
 * not take it in time.
 */
final class SocketCloser {
  private static final Logger LOG = LoggerFactory.getLogger(SocketCloser.class);

  /**
   * How long a close the node started may wait for the peer. A close frame waits behind the output the peer has not
   * read, and Vert.x counts its closing timeout only once the frame is written: a peer that reads nothing would keep
   * the connection, and all it holds, for ever.
   */
  static final long FORCE_CLOSE_MS = 5_000;

  private final Vertx vertx;
  private final ServerWebSocket socket;

  /** The connection under the socket, to cut it when a close cannot get through. */
  private final HttpConnection connection;

  private final String session;
  private final String slug;

  /** The connection is gone (the socket's close handler ran). */
  private final AtomicBoolean disconnected = new AtomicBoolean();

  /** @param session and {@code slug}: the session's id and its repl, for the log */
  SocketCloser(
      Vertx vertx, ServerWebSocket socket, HttpConnection connection, String session, String slug) {
    this.vertx = vertx;
    this.socket = socket;
    this.connection = connection;
    this.session = session;
    this.slug = slug;
  }

  /** The connection is gone: nothing left to cut. Any thread. */
  void disconnected() {
    disconnected.set(true);
  }

  /** Sends a close frame, and cuts the connection if the peer has not closed it {@link #FORCE_CLOSE_MS} later. */
  void close(short code, String reason) {
    socket.close(code, reason);
    vertx.setTimer(
        FORCE_CLOSE_MS,
        t -> {
          if (disconnected.get()) return;
          LOG.info(
              "session {} of {} did not take its close frame in {} ms; cutting its connection",
              session,
              slug,
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
    Channel channel = null;
    if (connection instanceof ConnectionBase base) {
      channel = base.channel();
    } else if (socket instanceof WebSocketInternal internal) {
      channel = internal.channelHandlerContext().channel();
    }
    if (channel == null) {
      LOG.warn(
          "cannot cut the connection of session {} ({}); it closes when its peer goes",
          session,
          connection == null ? socket.getClass().getName() : connection.getClass().getName());
      return;
    }
    ChannelHandlerContext first = channel.pipeline().firstContext();
    if (first != null) {
      first.close();
    } else {
      channel.close();
    }
  }
}
