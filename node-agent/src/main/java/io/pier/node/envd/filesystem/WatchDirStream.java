package io.pier.node.envd.filesystem;

import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.envd.connect.MessageSink;
import io.pier.node.session.FileChange;
import io.pier.node.session.LiveRepl;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One {@code WatchDir} call: a {@code start} message, then the folder's changes as the repl's workspace watcher
 * reports them, a {@code keepalive} when nothing was sent for the call's keep-alive interval ({@link #DEFAULT_KEEPALIVE}, the SDK's, when it names none), and the
 * end when the repl stops. Messages go out one at a time, each after the transport took the one before; what waits
 * meanwhile is at most {@code maxQueued} messages, past which the call ends with {@code resource_exhausted} (events
 * were lost; the client watches again and lists the folder afresh) instead of queueing without bound.
 */
final class WatchDirStream implements LiveRepl.ChangeListener {
  /** The keep-alive interval when the call names none: the SDK's own ping interval. */
  static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(50);

  private final Vertx vertx;
  private final Context context;
  private final LiveRepl repl;
  private final WatchEvents events;
  private final MessageSink out;
  private final int maxQueued;
  private final Runnable onClose;
  private final Duration keepaliveEvery;
  private final ArrayDeque<JsonObject> queue = new ArrayDeque<>();
  private boolean sending;
  private boolean sentSinceTick;
  private boolean closed;
  private boolean ending;
  private long keepalive = -1;

  /**
   * @param context where this call's messages are sent from
   * @param onClose told once when the call ends, however it ends
   */
  WatchDirStream(
      Vertx vertx,
      Context context,
      LiveRepl repl,
      WatchEvents events,
      MessageSink out,
      int maxQueued,
      Duration keepaliveEvery,
      Runnable onClose) {
    this.vertx = vertx;
    this.context = context;
    this.repl = repl;
    this.events = events;
    this.out = out;
    this.maxQueued = maxQueued;
    this.onClose = onClose;
    this.keepaliveEvery = keepaliveEvery.isZero() ? DEFAULT_KEEPALIVE : keepaliveEvery;
  }

  /** Call on {@code context}. */
  void start() {
    out.onClose(() -> context.runOnContext(v -> close()));
    // Listening first: "start" tells the client that every change from now on is reported.
    repl.context()
        .runOnContext(
            v -> {
              boolean listening = repl.listen(this);
              context.runOnContext(
                  x -> {
                    if (!listening) {
                      end();
                      return;
                    }
                    enqueue(new JsonObject().put("start", new JsonObject()));
                    startKeepalive();
                  });
            });
  }

  private void startKeepalive() {
    if (closed) return;
    keepalive =
        vertx.setPeriodic(
            keepaliveEvery.toMillis(),
            t -> {
              if (!sentSinceTick && queue.isEmpty())
                enqueue(new JsonObject().put("keepalive", new JsonObject()));
              sentSinceTick = false;
            });
  }

  /** On the repl's context. */
  @Override
  public void changed(List<FileChange> changes) {
    List<JsonObject> mine = events.of(changes);
    if (mine.isEmpty()) return;
    context.runOnContext(v -> mine.forEach(e -> enqueue(new JsonObject().put("filesystem", e))));
  }

  @Override
  public void ended() {
    context.runOnContext(v -> end());
  }

  private void enqueue(JsonObject message) {
    if (closed) return;
    if (queue.size() >= maxQueued) {
      out.fail(
          new ConnectException(
              ConnectCode.RESOURCE_EXHAUSTED,
              "more than "
                  + maxQueued
                  + " events waited for a client that reads too slowly; events were lost: watch again"));
      close();
      return;
    }
    queue.add(message);
    pump();
  }

  private void pump() {
    if (sending || closed) return;
    if (queue.isEmpty()) {
      if (ending) {
        out.end();
        close();
      }
      return;
    }
    sending = true;
    sentSinceTick = true;
    out.send(queue.poll())
        .onComplete(
            ar ->
                context.runOnContext(
                    v -> {
                      sending = false;
                      if (ar.failed()) close();
                      else pump();
                    }));
  }

  /** The repl stopped: the stream ends without error once what waits is sent. */
  private void end() {
    ending = true;
    pump();
  }

  private void close() {
    if (closed) return;
    closed = true;
    queue.clear();
    if (keepalive >= 0) vertx.cancelTimer(keepalive);
    repl.context().runOnContext(v -> repl.unlisten(this));
    onClose.run();
  }
}
