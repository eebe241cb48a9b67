package io.pier.edge;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.util.function.Consumer;

/**
 * A body relayed from one connection to another, the parts that one read brought written as one. Netty decodes a read
 * from the app into several messages (a chunk, the last chunk) and Vert.x flushes every write to the client at once, so
 * a small chunked answer, the usual answer of a Node.js app, took two write calls where a proxy needs one (`strace -c`
 * of the edge: two sends and a `writev` per request). Parts are held until the event loop has finished the task that
 * read them, then written together; the end, when it came with them, goes in the same write. What is held is bounded by
 * {@link #HOLD_LIMIT}, and a destination that cannot take more pauses the source until it drains.
 *
 * <p>When either side fails, {@code onFailure} runs once, with the first failure, and nothing more is written: the
 * caller resets both (the client that left mid-answer must not leave the app's stream to be read for nobody).
 */
final class BatchedPipe {
  /** Held parts past this size are written at once rather than kept for the end of the task. */
  static final int HOLD_LIMIT = 64 * 1024;

  private final ReadStream<Buffer> from;
  private final WriteStream<Buffer> to;
  private final Context context;
  private final Consumer<Throwable> onFailure;
  private Buffer held;
  private boolean flushScheduled;
  private boolean done;
  private boolean failed;

  private BatchedPipe(
      ReadStream<Buffer> from,
      WriteStream<Buffer> to,
      Context context,
      Consumer<Throwable> onFailure) {
    this.from = from;
    this.to = to;
    this.context = context;
    this.onFailure = onFailure;
  }

  /** Relays {@code from} to {@code to} on {@code context}, the event loop both belong to. */
  static void start(
      ReadStream<Buffer> from,
      WriteStream<Buffer> to,
      Context context,
      Consumer<Throwable> onFailure) {
    BatchedPipe pipe = new BatchedPipe(from, to, context, onFailure);
    from.exceptionHandler(pipe::fail);
    to.exceptionHandler(pipe::fail);
    from.endHandler(v -> pipe.end());
    from.handler(pipe::part);
  }

  private void part(Buffer part) {
    if (done) return;
    if (held == null) {
      held = part;
    } else {
      // The first part is Vert.x's own copy of what was read; parts after it are appended to a
      // buffer of ours.
      Buffer joined = Buffer.buffer(held.length() + part.length());
      held = joined.appendBuffer(held).appendBuffer(part);
    }
    if (held.length() >= HOLD_LIMIT) {
      flush();
    } else if (!flushScheduled) {
      flushScheduled = true;
      context.runOnContext(v -> scheduledFlush());
    }
  }

  private void scheduledFlush() {
    flushScheduled = false;
    flush();
  }

  private void flush() {
    if (done || held == null) return;
    Buffer part = held;
    held = null;
    watch(to.write(part));
    if (to.writeQueueFull()) {
      from.pause();
      to.drainHandler(v -> from.resume());
    }
  }

  private void end() {
    if (done) return;
    done = true;
    Buffer last = held;
    held = null;
    watch(last == null ? to.end() : to.end(last));
  }

  private void watch(Future<Void> write) {
    write.onFailure(this::fail);
  }

  private void fail(Throwable err) {
    done = true;
    held = null;
    if (failed) return;
    failed = true;
    onFailure.accept(err);
  }
}
