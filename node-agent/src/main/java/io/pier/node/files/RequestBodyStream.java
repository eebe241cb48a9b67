package io.pier.node.files;

import io.pier.common.http.ApiException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * A request body as a blocking stream for a transfer thread, never held whole: the request is paused once
 * {@link #HIGH_WATER} bytes wait to be read and resumed below {@link #LOW_WATER}. A client that sends nothing for the
 * idle timeout, or goes away, ends the stream with an {@link IOException}.
 *
 * <p>Create it on the request's context, in the handler that receives the request: it takes the body's handlers.
 */
public final class RequestBodyStream extends InputStream {
  static final int HIGH_WATER = 4 * 1024 * 1024;
  static final int LOW_WATER = 1024 * 1024;

  private final HttpServerRequest request;
  private final Context context;
  private final Duration idle;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
  private Buffer current;
  private int position;
  private long queued;
  private boolean paused;
  private boolean ended;
  private boolean abandoned;
  private Throwable failure;

  /** @param received told of each chunk's size as it arrives (the API's bytes-in counter) */
  public RequestBodyStream(
      HttpServerRequest request, Context context, Duration idle, LongConsumer received) {
    this.request = request;
    this.context = context;
    this.idle = idle;
    request.handler(
        chunk -> {
          received.accept(chunk.length());
          lock.lock();
          try {
            if (abandoned) return;
            queue.add(chunk);
            queued += chunk.length();
            if (queued > HIGH_WATER && !paused) {
              paused = true;
              request.pause();
            }
            arrived.signalAll();
          } finally {
            lock.unlock();
          }
        });
    request.endHandler(v -> finish(null));
    request.exceptionHandler(this::finish);
    request.response().closeHandler(v -> finish(new IOException("the client went away")));
  }

  private void finish(Throwable error) {
    lock.lock();
    try {
      if (error == null) ended = true;
      else if (failure == null && !ended) failure = error;
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) return 0;
    if (current == null || position >= current.length()) {
      if (!next()) return -1;
    }
    int n = Math.min(len, current.length() - position);
    current.getBytes(position, position + n, b, off);
    position += n;
    return n;
  }

  /** Takes the next chunk, waiting for it up to the idle timeout. @return false at the end of the body */
  private boolean next() throws IOException {
    lock.lock();
    try {
      long left = idle.toNanos();
      while (queue.isEmpty()) {
        if (failure != null)
          throw new RefusedInput(
              new ApiException(
                  400, "upload_broken", "the upload broke off: " + failure.getMessage()));
        if (ended) return false;
        if (left <= 0)
          throw new RefusedInput(
              new ApiException(
                  408, "upload_stalled", "the client sent nothing for " + idle.toSeconds() + " s"));
        try {
          left = arrived.awaitNanos(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted");
        }
      }
      current = queue.poll();
      position = 0;
      queued -= current.length();
      if (paused && queued < LOW_WATER) {
        paused = false;
        context.runOnContext(v -> request.resume());
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** True once the whole body arrived (read or not). */
  boolean ended() {
    lock.lock();
    try {
      return ended;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The transfer is over without reading the rest: what is queued is dropped and the rest of the body is read and
   * thrown away (so the client reads the answer), or the connection is closed if the client keeps sending past
   * the idle timeout. Call on the request's context.
   */
  public void discardRest(Vertx vertx) {
    lock.lock();
    try {
      abandoned = true;
      queue.clear();
      queued = 0;
      current = null;
      if (ended || failure != null) return;
    } finally {
      lock.unlock();
    }
    long timer =
        vertx.setTimer(
            idle.toMillis(),
            t -> {
              if (!request.isEnded()) request.connection().close();
            });
    request.endHandler(v -> vertx.cancelTimer(timer));
    request.resume();
  }

  @Override
  public void close() {
    // The body belongs to the request; discardRest() deals with what is left of it.
  }
}
