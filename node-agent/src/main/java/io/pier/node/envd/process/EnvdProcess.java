package io.pier.node.envd.process;

import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.envd.connect.MessageSink;
import io.pier.node.envd.process.ProcessEvents.Output;
import io.pier.node.envd.process.ProcessRequests.StartSpec;
import io.pier.node.runtime.PipedProcess;
import io.pier.node.runtime.TtyProcess;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * One process started through the in-sandbox API: what it runs, its process id in the sandbox once its launch script
 * said it, and the streams that follow its output ({@code Start}'s, then any {@code Connect}'s). Output goes to the
 * followers as it comes and is not kept (as envd does): with none, it is dropped. The slowest follower sets the
 * process's pace (the runtime reads no more of its output while a follower's stream is full), like a pipe would; a
 * follower that leaves stops counting. Thread-safe: the runtime's thread reports output and the end, calls act on it.
 */
final class EnvdProcess {
  /**
   * Error output held until the start event, at most: the launch script prints the pid first, so what overtakes it on
   * the other pipe is what the command wrote in the moment between; beyond this it is dropped.
   */
  static final int MAX_EARLY_BYTES = 64 * 1024;

  private final String id;
  private final StartSpec spec;
  private final String cwd;
  private final BiConsumer<Integer, String> signaller;
  private final LongConsumer droppedEarly;
  private final PidPrefix pidPrefix = new PidPrefix();
  private final List<MessageSink> followers = new CopyOnWriteArrayList<>();
  private final List<MessageSink> awaitingStart = new ArrayList<>();
  private final List<JsonObject> early = new ArrayList<>(); // guarded by this
  private int earlyBytes; // guarded by this
  private final Promise<ProcessEnd> done = Promise.promise();
  private int pid = -1;
  private boolean ended;
  private String signalled;
  private String pendingSignal;
  private boolean stdinClosed;
  private TtyProcess tty;
  private PipedProcess piped;
  private Future<Void> inputTail = Future.succeededFuture();
  private long inputQueued;

  /**
   * @param signaller    sends a signal to a process group: (pid, {@code KILL} or {@code TERM})
   * @param droppedEarly told how many bytes of error output were dropped beyond {@link #MAX_EARLY_BYTES}
   */
  EnvdProcess(
      String id,
      StartSpec spec,
      String cwd,
      BiConsumer<Integer, String> signaller,
      LongConsumer droppedEarly) {
    this.id = id;
    this.spec = spec;
    this.cwd = cwd;
    this.signaller = signaller;
    this.droppedEarly = droppedEarly;
  }

  String id() {
    return id;
  }

  StartSpec spec() {
    return spec;
  }

  /** The FIFO its stdin reads, when it was started with stdin and without a terminal; else null. */
  String stdinFifo() {
    return spec.stdin() && spec.pty() == null ? LaunchScripts.fifo(id) : null;
  }

  synchronized int pid() {
    return pid;
  }

  synchronized boolean running() {
    return !ended;
  }

  /** Completes once it ended and every follower was told. */
  Future<ProcessEnd> done() {
    return done.future();
  }

  /** The stream of the {@code Start} that made it: its start event once the pid is known, then the rest. */
  void followFromStart(MessageSink sink) {
    synchronized (this) {
      if (!ended && pid < 0) {
        awaitingStart.add(sink);
        sink.onClose(() -> unfollow(sink));
        return;
      }
    }
    if (!follow(sink)) {
      sink.fail(new ConnectException(ConnectCode.UNKNOWN, "the process ended before it started"));
    }
  }

  /**
   * A {@code Connect}: its start event, then what the process prints from now on, then its end.
   *
   * @return false if it has ended (or not started yet): nothing was sent
   */
  boolean follow(MessageSink sink) {
    synchronized (this) {
      if (ended || pid < 0) return false;
      sink.send(ProcessEvents.start(pid));
      followers.add(sink);
    }
    sink.onClose(() -> unfollow(sink));
    return true;
  }

  private void unfollow(MessageSink sink) {
    synchronized (this) {
      awaitingStart.remove(sink);
    }
    followers.remove(sink);
  }

  /** The listener of a process without a terminal. */
  PipedProcess.Listener pipedListener() {
    return new PipedProcess.Listener() {
      @Override
      public void output(PipedProcess.Stream stream, byte[] data) {
        EnvdProcess.this.output(
            stream == PipedProcess.Stream.STDERR ? Output.STDERR : Output.STDOUT, data);
      }

      @Override
      public void exited(int code) {
        EnvdProcess.this.exited(code);
      }
    };
  }

  /** The listener of a process on a terminal. */
  TtyProcess.Listener ttyListener() {
    return new TtyProcess.Listener() {
      @Override
      public void output(byte[] data) {
        EnvdProcess.this.output(Output.PTY, data);
      }

      @Override
      public void exited(int code) {
        EnvdProcess.this.exited(code);
      }
    };
  }

  void output(Output output, byte[] data) {
    byte[] own = data;
    if (output != Output.STDERR && !pidPrefix.done()) {
      own = pidPrefix.feed(data);
      if (pidPrefix.done()) pidKnown(pidPrefix.pid());
    }
    if (own.length > 0 && !heldUntilStarted(output, own)) deliver(ProcessEvents.data(output, own));
  }

  /**
   * Holds error output that came before the pid, which has its own pipe and may overtake the pid line: the start
   * stream gets it right after its start event.
   */
  private synchronized boolean heldUntilStarted(Output output, byte[] data) {
    if (output != Output.STDERR || pid >= 0 || ended || pidPrefix.done()) return false;
    if (earlyBytes + data.length <= MAX_EARLY_BYTES) {
      early.add(ProcessEvents.data(output, data));
      earlyBytes += data.length;
    } else {
      droppedEarly.accept(data.length);
    }
    return true;
  }

  void exited(int engineCode) {
    byte[] held = pidPrefix.flush();
    if (held.length > 0)
      deliver(ProcessEvents.data(spec.pty() == null ? Output.STDOUT : Output.PTY, held));
    String how;
    synchronized (this) {
      how = signalled;
    }
    finish(ProcessEnd.of(engineCode, how));
  }

  /** The sandbox could not start it. */
  void failed(String why) {
    finish(ProcessEnd.notStarted(why));
  }

  synchronized void started(TtyProcess tty) {
    this.tty = tty;
    if (ended) tty.close();
  }

  synchronized void started(PipedProcess piped) {
    this.piped = piped;
    if (ended) piped.close();
  }

  /** Its terminal; null without one (or before it started). */
  synchronized TtyProcess tty() {
    return tty;
  }

  /** Marks its stdin closed. @return false if it was closed already */
  synchronized boolean closeStdin() {
    if (stdinClosed) return false;
    stdinClosed = true;
    return true;
  }

  synchronized boolean stdinClosed() {
    return stdinClosed;
  }

  /**
   * Queues a write to its stdin after those queued before (each write is an exec of its own: they must not overtake
   * each other).
   *
   * @param max bytes queued and not yet written, at most
   * @return when it is written; fails with {@code resource_exhausted} past {@code max}
   */
  synchronized Future<Void> queueInput(int bytes, long max, Supplier<Future<Void>> write) {
    if (inputQueued > 0 && inputQueued + bytes > max) {
      return Future.failedFuture(
          new ConnectException(
              ConnectCode.RESOURCE_EXHAUSTED,
              "the process has not taken " + inputQueued + " bytes of earlier input yet"));
    }
    inputQueued += bytes;
    Future<Void> mine =
        inputTail
            .transform(ignored -> write.get())
            .andThen(
                written -> {
                  synchronized (this) {
                    inputQueued -= bytes;
                  }
                });
    inputTail = mine.recover(ignored -> Future.succeededFuture());
    return mine;
  }

  /**
   * Sends {@code signal} ({@code KILL}, {@code TERM}) to its process group, once its id is known.
   *
   * @return false if it had ended already
   */
  boolean signal(String signal) {
    int known;
    synchronized (this) {
      if (ended) return false;
      if (signalled == null || "KILL".equals(signal)) signalled = signal;
      if (pid < 0) {
        pendingSignal = signal;
        return true;
      }
      known = pid;
    }
    signaller.accept(known, signal);
    return true;
  }

  private void pidKnown(int known) {
    List<MessageSink> starting;
    String pending;
    synchronized (this) {
      if (known < 0) {
        starting = List.of();
      } else {
        pid = known;
        starting = List.copyOf(awaitingStart);
        awaitingStart.clear();
        for (MessageSink sink : starting) {
          sink.send(ProcessEvents.start(known));
          for (JsonObject held : early) sink.send(held);
          followers.add(sink);
        }
      }
      early.clear();
      earlyBytes = 0;
      pending = pendingSignal;
      pendingSignal = null;
    }
    if (pending != null && known > 0) signaller.accept(known, pending);
  }

  private void deliver(JsonObject event) {
    for (MessageSink sink : followers) {
      Future<Void> sent = sink.send(event);
      if (sink.full()) awaitQuietly(sent);
    }
  }

  private void finish(ProcessEnd end) {
    List<MessageSink> told;
    List<MessageSink> neverStarted;
    PipedProcess pipedToClose;
    TtyProcess ttyToClose;
    synchronized (this) {
      if (ended) return;
      ended = true;
      neverStarted = List.copyOf(awaitingStart);
      awaitingStart.clear();
      told = List.copyOf(followers);
      followers.clear();
      pipedToClose = piped;
      ttyToClose = tty;
    }
    for (MessageSink sink : neverStarted) {
      sink.fail(
          new ConnectException(
              ConnectCode.UNKNOWN,
              end.error() != null ? end.error() : "the process ended before it started"));
    }
    JsonObject event = ProcessEvents.end(end);
    for (MessageSink sink : told) {
      sink.send(event);
      sink.end();
    }
    if (pipedToClose != null) pipedToClose.close();
    if (ttyToClose != null) ttyToClose.close();
    done.tryComplete(end);
  }

  /** As {@code List} shows it: a {@code ProcessInfo}. */
  synchronized JsonObject info() {
    JsonObject config =
        new JsonObject()
            .put("cmd", spec.cmd())
            .put("args", new JsonArray(new ArrayList<>(spec.args())))
            .put("envs", new JsonObject(new LinkedHashMap<String, Object>(spec.envs())))
            .put("cwd", cwd);
    JsonObject json = new JsonObject().put("config", config).put("pid", Math.max(pid, 0));
    if (spec.tag() != null) json.put("tag", spec.tag());
    return json;
  }

  /** Waits for a send to be written, on a runtime thread (never an event loop: there it would wait for itself). */
  private static void awaitQuietly(Future<Void> sent) {
    if (Context.isOnEventLoopThread() || sent.isComplete()) return;
    CountDownLatch written = new CountDownLatch(1);
    sent.onComplete(x -> written.countDown());
    try {
      written.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
