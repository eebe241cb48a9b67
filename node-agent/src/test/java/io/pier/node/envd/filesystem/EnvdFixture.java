package io.pier.node.envd.filesystem;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.config.Mains;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.envd.connect.EnvdCall;
import io.pier.node.envd.connect.MessageSink;
import io.pier.node.limits.BlockingPool;
import io.pier.node.session.FileChange;
import io.pier.node.session.LiveRepl;
import io.pier.node.session.ReplEnvironment;
import io.pier.node.session.WaitingRuns;
import io.pier.node.session.WatchTicker;
import io.pier.node.session.WorkspaceWatcher;
import io.pier.node.workspace.IgnoreList;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A running repl as the in-sandbox API's filesystem sees it, over a workspace folder of the test's: its
 * {@link LiveRepl} (no sandbox behind it: the filesystem never starts processes), the workspace watcher that feeds
 * watches, and the {@link FilesystemService} called as the router would call it.
 */
final class EnvdFixture implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(60);

  final Vertx vertx = Vertx.vertx();
  final BlockingPool pool = new BlockingPool("envd-test-files", 4, 64, Duration.ofSeconds(30));
  final LiveRepl repl;
  final List<String> journalled = Collections.synchronizedList(new ArrayList<>());
  final FilesystemService service;
  private final WatchTicker ticker = new WatchTicker();
  private final WorkspaceWatcher watcher;

  EnvdFixture(Path workspace, Duration pollExpiry) throws Exception {
    repl =
        new LiveRepl(
            vertx,
            vertx.getOrCreateContext(),
            workspace.getFileName().toString(),
            "no-sandbox",
            null,
            workspace,
            new LiveRepl.RunSpec("true", 0, null),
            Duration.ofSeconds(60),
            ReplEnvironment.NONE,
            WaitingRuns.NONE,
            journalled::addAll);
    watcher =
        new WorkspaceWatcher(
            workspace,
            IgnoreList.DEFAULT,
            repl.files(),
            ticker,
            (List<FileChange> changes) ->
                repl.context().runOnContext(v -> repl.workspaceChanged(changes)));
    service = new FilesystemService(vertx, pool, new SimpleMeterRegistry(), pollExpiry);
  }

  /** Waits until {@code condition} holds, up to {@link #WAIT}. */
  static void eventually(BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not within " + WAIT);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted");
      }
    }
  }

  EnvdCall call() {
    return new EnvdCall(repl, "user");
  }

  /** A unary method's answer, called on a Vert.x context as the router calls it. */
  JsonObject unary(String method, JsonObject request) {
    Promise<JsonObject> answer = Promise.promise();
    vertx
        .getOrCreateContext()
        .runOnContext(
            v -> {
              Future<JsonObject> f;
              try {
                f = service.unary().get(method).call(call(), request);
              } catch (RuntimeException e) {
                f = Future.failedFuture(e);
              }
              f.onComplete(answer);
            });
    return Mains.await(answer.future(), WAIT);
  }

  /** The Connect error a unary method fails with. */
  ConnectException refused(String method, JsonObject request) {
    try {
      JsonObject answer = unary(method, request);
      throw new AssertionError(method + " " + request.encode() + " answered " + answer.encode());
    } catch (CompletionException | IllegalStateException e) {
      Throwable cause = e;
      while (!(cause instanceof ConnectException) && cause.getCause() != null)
        cause = cause.getCause();
      if (cause instanceof ConnectException connect) return connect;
      throw e;
    } catch (ConnectException e) {
      return e;
    }
  }

  /** Starts a server-streaming call; its messages and end arrive in the returned sink. */
  RecordingSink stream(String method, JsonObject request) {
    RecordingSink sink = new RecordingSink();
    vertx
        .getOrCreateContext()
        .runOnContext(v -> service.serverStreaming().get(method).call(call(), request, sink));
    return sink;
  }

  @Override
  public void close() throws Exception {
    service.close();
    watcher.close();
    ticker.close();
    Mains.await(
        Future.<Void>future(p -> repl.context().runOnContext(v -> repl.close().onComplete(p))),
        WAIT);
    pool.close();
    Mains.await(vertx.close(), WAIT);
  }

  /** A Connect stream as a client sees it: messages, then an end or an error. */
  static final class RecordingSink implements MessageSink {
    final BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
    final List<Runnable> closers = new ArrayList<>();
    volatile boolean ended;
    volatile ConnectException failure;
    private volatile boolean gone;

    @Override
    public Future<Void> send(JsonObject message) {
      if (gone || ended || failure != null) return Future.failedFuture("the call is over");
      messages.add(message);
      return Future.succeededFuture();
    }

    @Override
    public boolean full() {
      return false;
    }

    @Override
    public void end() {
      ended = true;
      closeOnce();
    }

    @Override
    public void fail(ConnectException error) {
      failure = error;
      closeOnce();
    }

    @Override
    public synchronized void onClose(Runnable action) {
      closers.add(action);
    }

    /** The client goes away. */
    void leave() {
      gone = true;
      closeOnce();
    }

    private synchronized void closeOnce() {
      List<Runnable> run = List.copyOf(closers);
      closers.clear();
      run.forEach(Runnable::run);
    }

    /** The next message, waiting for it. */
    JsonObject next() throws InterruptedException {
      JsonObject message = messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      if (message == null)
        throw new AssertionError(
            "no message within "
                + WAIT
                + (failure == null ? "" : "; failed: " + failure.getMessage()));
      return message;
    }

    /** The next filesystem event, skipping keepalives. */
    JsonObject nextEvent() throws InterruptedException {
      while (true) {
        JsonObject message = next();
        if (message.containsKey("filesystem")) return message.getJsonObject("filesystem");
      }
    }
  }
}
