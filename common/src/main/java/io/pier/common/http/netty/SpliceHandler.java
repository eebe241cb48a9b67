package io.pier.common.http.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One side of a {@link ChannelSplice}: what its channel reads is written to the peer channel, and the channel stops
 * reading while the peer cannot take more (Netty's writability), so a slow reader on one side never makes the edge
 * hold the other side's bytes.
 */
final class SpliceHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(SpliceHandler.class);

  private final ChannelSplice splice;
  private final Channel peer;
  private final Runnable disconnected;
  private Channel self;

  SpliceHandler(ChannelSplice splice, Channel peer, Runnable disconnected) {
    this.splice = splice;
    this.peer = peer;
    this.disconnected = disconnected;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    self = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!peer.isActive()) {
      ReferenceCountUtil.release(msg);
      return;
    }
    peer.write(msg, peer.voidPromise());
    if (!peer.isWritable()) {
      self.config().setAutoRead(false);
      // The peer may have drained on its own event loop between the check and the pause: it tells
      // us only on a
      // change, so look again.
      if (peer.isWritable()) self.config().setAutoRead(true);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    peer.flush();
  }

  /** This channel can take more again: the peer, paused for it, reads again. */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (self.isWritable()) peer.config().setAutoRead(true);
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    disconnected.run();
    splice.sideClosed(peer);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) ctx.close();
    else ReferenceCountUtil.release(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("spliced channel {}: {}", self, cause.toString());
    ctx.close();
  }
}
