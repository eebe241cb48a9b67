package io.pier.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the relay writes for what the app sent, task by task of the event loop. */
class BatchedPipeTest {
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final Source app = new Source();
  private final Sink client = new Sink();
  private final List<Throwable> failures = new ArrayList<>();

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void partsAndTheEndReadTogetherAreWrittenInOneCall() throws Exception {
    onLoop(
        () -> {
          start();
          app.emit("<html>");
          app.emit("</html>");
          app.end();
        });
    onLoop(() -> {});
    assertEquals(List.of("end <html></html>"), client.calls);
  }

  @Test
  void partsReadInSeparateTasksAreWrittenEachAtTheEndOfItsTask() throws Exception {
    onLoop(
        () -> {
          start();
          app.emit("data: 1\n\n");
        });
    onLoop(() -> assertEquals(List.of("write data: 1\n\n"), client.calls, "not held back"));
    onLoop(() -> app.emit("data: 2\n\n"));
    onLoop(app::end);
    assertEquals(List.of("write data: 1\n\n", "write data: 2\n\n", "end"), client.calls);
  }

  @Test
  void aLargeReadIsWrittenAtOnceRatherThanHeldWhole() throws Exception {
    String big = "x".repeat(BatchedPipe.HOLD_LIMIT);
    onLoop(
        () -> {
          start();
          app.emit(big);
          assertEquals(1, client.calls.size(), "written within the task");
          app.emit("tail");
        });
    onLoop(() -> {});
    assertEquals(List.of("write " + big, "write tail"), client.calls);
  }

  @Test
  void aClientThatCannotTakeMorePausesTheAppUntilItDrains() throws Exception {
    onLoop(
        () -> {
          start();
          client.full = true;
          app.emit("a");
        });
    onLoop(() -> assertTrue(app.paused, "paused while the client's queue is full"));
    onLoop(
        () -> {
          client.full = false;
          client.drain.handle(null);
        });
    assertFalse(app.paused);
  }

  @Test
  void aFailedWriteResetsOnceAndNothingMoreIsWritten() throws Exception {
    onLoop(
        () -> {
          start();
          client.failWrites = true;
          app.emit("a");
        });
    onLoop(
        () -> {
          app.emit("b");
          app.end();
        });
    onLoop(() -> {});
    assertEquals(1, failures.size());
    assertEquals(List.of("write a"), client.calls);
  }

  @Test
  void anAppThatFailsMidAnswerIsReportedOnceWithItsFailure() throws Exception {
    onLoop(
        () -> {
          start();
          app.emit("a");
          app.fail();
          app.fail();
        });
    onLoop(() -> {});
    assertEquals(1, failures.size());
    assertEquals("reset by the app", failures.get(0).getMessage());
    assertEquals(List.of(), client.calls, "what was held is dropped: the answer is reset");
  }

  private void start() {
    BatchedPipe.start(app, client, context, failures::add);
  }

  /** Runs {@code step} as one task of the pipe's event loop and waits for it. */
  private void onLoop(Runnable step) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          try {
            step.run();
            done.complete(null);
          } catch (Throwable e) {
            done.completeExceptionally(e);
          }
        });
    done.get(10, TimeUnit.SECONDS);
  }

  private static final class Source implements ReadStream<Buffer> {
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;
    private boolean paused;

    void emit(String part) {
      handler.handle(Buffer.buffer(part));
    }

    void end() {
      endHandler.handle(null);
    }

    void fail() {
      exceptionHandler.handle(new IllegalStateException("reset by the app"));
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      exceptionHandler = handler;
      return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
      this.handler = handler;
      return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
      paused = true;
      return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
      paused = false;
      return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
      return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
      this.endHandler = endHandler;
      return this;
    }
  }

  private static final class Sink implements WriteStream<Buffer> {
    private final List<String> calls = new ArrayList<>();
    private Handler<Void> drain;
    private boolean full;
    private boolean failWrites;

    private Future<Void> record(String call) {
      calls.add(call);
      Promise<Void> written = Promise.promise();
      if (failWrites) {
        written.fail("connection reset");
      } else {
        written.complete();
      }
      return written.future();
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public Future<Void> write(Buffer data) {
      return record("write " + data);
    }

    @Override
    public Future<Void> end() {
      return record("end");
    }

    @Override
    public Future<Void> end(Buffer data) {
      return record("end " + data);
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return full;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
      drain = handler;
      return this;
    }
  }
}
