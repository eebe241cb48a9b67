package io.pier.node.envd;

import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.envd.connect.MessageSink;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The response of one server-streaming call: each message one envelope, then the end-of-stream envelope. Every
 * operation may come from any thread and runs on the request's context. Bounded: bytes handed to the transport and
 * not yet written count, and a method that keeps sending past {@code maxPending} of them (it ignored {@link #full()}
 * and {@link #send}'s futures) has its stream ended with {@code resource_exhausted}. Ends once: by the method, by the
 * deadline, or by the caller going away; {@link #onClose} actions then run once.
 */
final class ConnectStream implements MessageSink {
  private static final ConnectException GONE =
      new ConnectException(ConnectCode.CANCELED, "the caller went away");

  private final Context context;
  private final HttpServerResponse response;
  private final long maxPending;
  private final AtomicLong pending = new AtomicLong();
  private final List<Runnable> closeActions = new ArrayList<>();
  private final Consumer<String> ended;
  private volatile boolean closed;

  /**
   * @param ended told once how the stream ended: {@code ok} or the Connect code (for the meters); on the context
   */
  ConnectStream(
      Context context, HttpServerResponse response, long maxPending, Consumer<String> ended) {
    this.context = context;
    this.response = response;
    this.maxPending = maxPending;
    this.ended = ended;
    response
        .setStatusCode(200)
        .putHeader("Content-Type", "application/connect+json")
        .setChunked(true);
    response.closeHandler(v -> close(ConnectCode.CANCELED.wireName()));
    response.exceptionHandler(err -> close(ConnectCode.CANCELED.wireName()));
  }

  @Override
  public Future<Void> send(JsonObject message) {
    if (closed) return Future.failedFuture(GONE);
    Buffer envelope = ConnectEnvelope.message(message);
    long now = pending.addAndGet(envelope.length());
    if (now > maxPending) {
      pending.addAndGet(-envelope.length());
      fail(
          new ConnectException(
              ConnectCode.RESOURCE_EXHAUSTED,
              "the stream produced faster than the caller read it, past its buffer"));
      return Future.failedFuture(GONE);
    }
    Promise<Void> written = Promise.promise();
    context.runOnContext(
        v -> {
          if (closed) {
            pending.addAndGet(-envelope.length());
            written.fail(GONE);
            return;
          }
          response
              .write(envelope)
              .onComplete(
                  done -> {
                    pending.addAndGet(-envelope.length());
                    written.handle(done);
                  });
        });
    return written.future();
  }

  @Override
  public boolean full() {
    return closed || response.writeQueueFull() || pending.get() > maxPending / 2;
  }

  @Override
  public void end() {
    finish(ConnectEnvelope.endOk(), "ok");
  }

  @Override
  public void fail(ConnectException error) {
    finish(ConnectEnvelope.endWith(error), error.code().wireName());
  }

  @Override
  public void onClose(Runnable action) {
    context.runOnContext(
        v -> {
          if (closed) {
            action.run();
          } else {
            closeActions.add(action);
          }
        });
  }

  /** Whether the stream has ended (by any side). */
  boolean closed() {
    return closed;
  }

  private void finish(Buffer last, String how) {
    context.runOnContext(
        v -> {
          if (closed) return;
          if (!response.ended() && !response.closed()) response.end(last);
          close(how);
        });
  }

  /** On the context. */
  private void close(String how) {
    if (closed) return;
    closed = true;
    ended.accept(how);
    for (Runnable action : closeActions) {
      try {
        action.run();
      } catch (RuntimeException e) {
        // one failing release must not keep the others from running
      }
    }
    closeActions.clear();
  }
}
