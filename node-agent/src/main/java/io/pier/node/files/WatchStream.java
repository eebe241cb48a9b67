package io.pier.node.files;

import io.pier.node.session.FileChange;
import io.pier.node.session.LiveRepl;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One client's stream of a folder's changes as server-sent events ({@code event: change}, one per changed path),
 * fed by the repl's workspace watcher. What a client does not read waits in a queue of at most
 * {@link FileApiSettings#watchQueue()} events; past that, changes are dropped and the client is told how many
 * ({@code event: overflow}) once it reads again, so that it can list the folder afresh. A comment line every
 * {@link #KEEPALIVE_MS} keeps proxies from closing a quiet stream; {@code event: end} says the repl stopped.
 */
final class WatchStream implements LiveRepl.ChangeListener {
  static final long KEEPALIVE_MS = 15_000;

  private final Vertx vertx;
  private final Context context;
  private final HttpServerResponse response;
  private final LiveRepl repl;
  private final String folder;
  private final int maxQueued;
  private final ArrayDeque<String> queue = new ArrayDeque<>();
  private final Runnable onClose;
  private long dropped;
  private long keepalive = -1;
  private boolean closed;

  /**
   * @param context the response's context, where everything of this stream runs
   * @param onClose told once when the stream ends, however it ends
   */
  WatchStream(
      Vertx vertx,
      Context context,
      HttpServerResponse response,
      LiveRepl repl,
      String folder,
      int maxQueued,
      Runnable onClose) {
    this.vertx = vertx;
    this.context = context;
    this.response = response;
    this.repl = repl;
    this.folder = folder;
    this.maxQueued = maxQueued;
    this.onClose = onClose;
  }

  /** Starts the stream: headers, a first {@code ready} event, then changes as they come. */
  void start() {
    response
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    response.closeHandler(v -> close(false));
    response.drainHandler(v -> drain());
    response.write(event("ready", new JsonObject().put("path", folder)));
    keepalive = vertx.setPeriodic(KEEPALIVE_MS, t -> send(": keepalive\n\n"));
    repl.context()
        .runOnContext(
            v -> {
              if (!repl.listen(this)) context.runOnContext(x -> close(true));
            });
  }

  /** On the repl's context: hops to the response's. */
  @Override
  public void changed(List<FileChange> changes) {
    List<FileChange> mine = changes.stream().filter(c -> under(c.path())).toList();
    if (!mine.isEmpty()) context.runOnContext(v -> mine.forEach(c -> send(change(c))));
  }

  @Override
  public void ended() {
    context.runOnContext(v -> close(true));
  }

  private boolean under(String path) {
    return folder.isEmpty() || path.equals(folder) || path.startsWith(folder + "/");
  }

  private void send(String event) {
    if (closed) return;
    if (!queue.isEmpty() || response.writeQueueFull()) {
      if (queue.size() >= maxQueued) {
        dropped++;
      } else {
        queue.add(event);
      }
      return;
    }
    response.write(event);
  }

  private void drain() {
    while (!queue.isEmpty() && !response.writeQueueFull()) response.write(queue.poll());
    if (queue.isEmpty() && dropped > 0 && !response.writeQueueFull()) {
      response.write(event("overflow", new JsonObject().put("dropped", dropped)));
      dropped = 0;
    }
  }

  private void close(boolean replStopped) {
    if (closed) return;
    closed = true;
    if (keepalive >= 0) vertx.cancelTimer(keepalive);
    queue.clear();
    repl.context().runOnContext(v -> repl.unlisten(this));
    if (replStopped && !response.closed() && !response.ended()) {
      response.end(event("end", new JsonObject().put("reason", "the repl stopped")));
    }
    onClose.run();
  }

  private static String change(FileChange c) {
    return event(
        "change",
        new JsonObject().put("path", c.path()).put("type", c.type()).put("kind", c.kind()));
  }

  private static String event(String name, JsonObject data) {
    return "event: " + name + "\ndata: " + data.encode() + "\n\n";
  }
}
