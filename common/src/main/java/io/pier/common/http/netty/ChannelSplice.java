package io.pier.common.http.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.spi.metrics.NetworkMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins the two connections of an upgraded WebSocket (client and origin) at the Netty level, once the 101 has passed,
 * and lets go of Vert.x's objects for both: from then on bytes go from one channel to the other as they are read,
 * without a copy.
 *
 * <p>Why: Vert.x keeps the whole upgrade alive for as long as the socket is open (the HTTP connection that was
 * upgraded, the NetSocket that replaced it, the client connection, their requests, responses, headers and three
 * outbound queues with 1,024-slot chunks), about 26 KiB live per relayed session; an edge with 10,000 idle IDE sessions
 * held 250 MiB of them. After the splice each side is a Netty channel and a {@link SpliceHandler}.
 *
 * <p>What Vert.x did for these sockets the splice does: backpressure (a side stops reading while the other cannot take
 * more), the idle timeout (the channels' own idle handlers stay in place; their event closes the channel), closing the
 * other side when one closes (after what it has to write), and the disconnection in Vert.x's metrics.
 *
 * <p>Bytes that Vert.x has already read, or holds for a paused socket, are passed on before the swap: each socket is
 * first read with a handler that writes to the other channel, and the swap runs on the channel's event loop after
 * that.
 */
public final class ChannelSplice {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelSplice.class);

  private final Runnable ended;
  private final AtomicBoolean over = new AtomicBoolean();

  private ChannelSplice(Runnable ended) {
    this.ended = ended;
  }

  /**
   * Splices {@code client} (the NetSocket the client's upgraded connection became) and {@code origin} (the upgraded
   * answer's NetSocket, on {@code originConnection}), both possibly paused, and resumes them. {@code ended} runs once,
   * when the first of the two closes; the other is closed after its pending writes.
   */
  public static void join(
      NetSocket client, NetSocket origin, HttpConnection originConnection, Runnable ended) {
    ConnectionBase a = (ConnectionBase) client;
    ConnectionBase b = VertxConnections.underlying(originConnection);
    ChannelSplice splice = new ChannelSplice(ended);
    splice.interim(client, b.channel());
    splice.interim(origin, a.channel());
    client.resume();
    origin.resume();
    a.channel().eventLoop().execute(() -> splice.swap(a, b.channel()));
    b.channel().eventLoop().execute(() -> splice.swap(b, a.channel()));
  }

  /** Until the swap, Vert.x reads {@code socket}: what it reads (or held while paused) goes to {@code peer}. */
  private void interim(NetSocket socket, Channel peer) {
    socket.handler(bytes -> peer.writeAndFlush(((BufferInternal) bytes).getByteBuf()));
    socket.exceptionHandler(err -> LOG.debug("spliced socket: {}", err.toString()));
    socket.closeHandler(v -> sideClosed(peer));
  }

  /**
   * On the connection's event loop: its Vert.x handler leaves the pipeline (and with it every Vert.x object of the
   * connection) and a {@link SpliceHandler} takes its place.
   */
  private void swap(ConnectionBase connection, Channel peer) {
    ChannelHandlerContext vertx = connection.channelHandlerContext();
    Channel channel = vertx.channel();
    if (vertx.isRemoved() || !channel.isActive()) return; // closed already: Vert.x told sideClosed
    Runnable disconnected = disconnectionReport(connection);
    channel
        .pipeline()
        .addAfter(vertx.name(), "pier-splice", new SpliceHandler(this, peer, disconnected));
    channel.pipeline().remove(vertx.handler());
    channel.config().setAutoRead(peer.isWritable());
    // Vert.x may leave what it wrote last (the 101 it answered the client) for a flush that would
    // have come later.
    channel.flush();
  }

  /** Tells Vert.x's metrics of the socket's end, as its own handler would have. */
  private static Runnable disconnectionReport(ConnectionBase connection) {
    NetworkMetrics<?> metrics = connection.metrics();
    if (!(metrics instanceof TCPMetrics<?> tcp)) return () -> {};
    @SuppressWarnings("unchecked")
    TCPMetrics<Object> report = (TCPMetrics<Object>) tcp;
    Object metric = connection.metric();
    SocketAddress remote = connection.remoteAddress();
    return () -> report.disconnected(metric, remote);
  }

  /** One side closed: the other is closed after what it has to write, and the splice has ended (once). */
  void sideClosed(Channel peer) {
    if (peer.isActive())
      peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    if (over.compareAndSet(false, true)) ended.run();
  }
}
