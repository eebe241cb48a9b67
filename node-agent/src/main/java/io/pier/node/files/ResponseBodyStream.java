package io.pier.node.files;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * A response body written by a transfer thread as a blocking stream, never held whole: bytes go out in chunks of
 * {@link #CHUNK}, and the writer waits while more than {@link #IN_FLIGHT} bytes are handed to the connection and not
 * yet written to its socket. A client that reads nothing for the idle timeout, or goes away, fails the next write with
 * an {@link IOException}. Headers are set by {@link #begin} before the first byte; {@link #finish} ends the response,
 * {@link #abort} resets it so that the client sees a broken transfer, never a short one that looks whole.
 */
public final class ResponseBodyStream extends OutputStream {
  static final int CHUNK = 256 * 1024;
  static final long IN_FLIGHT = 4L * 1024 * 1024;

  private final HttpServerResponse response;
  private final Context context;
  private final Duration idle;
  private final LongConsumer sent;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition written = lock.newCondition();
  private final byte[] chunk = new byte[CHUNK];
  private int filled;
  private long inFlight;
  private Throwable failure;

  /** @param sent told of each chunk's size as the connection writes it (the API's bytes-out counter) */
  public ResponseBodyStream(
      HttpServerResponse response, Context context, Duration idle, LongConsumer sent) {
    this.response = response;
    this.context = context;
    this.idle = idle;
    this.sent = sent;
    context.runOnContext(
        v -> {
          response.closeHandler(
              closed -> fail(new IOException("the client went away before the end")));
          response.exceptionHandler(this::fail);
        });
  }

  /** Sets status and headers on the request's context before any byte of the body. */
  public void begin(Consumer<HttpServerResponse> headers) {
    context.runOnContext(v -> headers.accept(response));
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      int n = Math.min(len, CHUNK - filled);
      System.arraycopy(b, off, chunk, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == CHUNK) flush();
    }
  }

  /** Hands what is buffered to the connection, first waiting for room. */
  @Override
  public void flush() throws IOException {
    if (filled == 0) return;
    Buffer out = Buffer.buffer(filled).appendBytes(chunk, 0, filled);
    filled = 0;
    int size = out.length();
    lock.lock();
    try {
      long left = idle.toNanos();
      while (inFlight + size > IN_FLIGHT && failure == null) {
        if (left <= 0)
          throw new IOException("the client read nothing for " + idle.toSeconds() + " s");
        try {
          left = written.awaitNanos(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted");
        }
      }
      if (failure != null) throw new IOException(failure.getMessage());
      inFlight += size;
    } finally {
      lock.unlock();
    }
    context.runOnContext(
        v ->
            response
                .write(out)
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) sent.accept(size);
                      lock.lock();
                      try {
                        inFlight -= size;
                        if (ar.failed() && failure == null) failure = ar.cause();
                        written.signalAll();
                      } finally {
                        lock.unlock();
                      }
                    }));
  }

  private void fail(Throwable error) {
    lock.lock();
    try {
      if (failure == null) failure = error;
      written.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Writes what is buffered and ends the response. */
  public void finish() throws IOException {
    flush();
    context.runOnContext(v -> response.end());
  }

  /** Breaks the response off: a reset, so that a client never takes a cut transfer for a whole one. */
  public void abort() {
    context.runOnContext(
        v -> {
          if (!response.ended() && !response.closed()) response.reset();
        });
  }

  @Override
  public void close() {
    // finish() or abort() end the response; closing the stream (a wrapping archive stream's close)
    // does not.
  }
}
