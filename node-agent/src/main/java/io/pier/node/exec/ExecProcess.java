package io.pier.node.exec;

import io.pier.node.runtime.PipedProcess;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.function.BiConsumer;

/**
 * One process a program started in a repl: its request, its process id in the sandbox, its state and how it ended.
 * Its output goes to one {@link ExecOutput}. Signals go to its whole process group. Thread-safe: the runtime's thread
 * reports output and the end, requests read and kill it.
 */
final class ExecProcess {
  /** Why a process was signalled. */
  enum Cause {
    TIMEOUT,
    REQUEST,
    CLIENT_LEFT
  }

  private final String id;
  private final ExecRequest request;
  private final Clock clock;
  private final Instant startedAt;
  private final ExecOutput output;

  /** Sends a signal to a process group: (pid, signal). */
  private final BiConsumer<Integer, String> signaller;

  private final PidLine pidLine = new PidLine();
  private final Promise<Integer> pid = Promise.promise();
  private final Promise<ExecProcess> done = Promise.promise();
  private PipedProcess piped;
  private boolean ended;
  private int exitCode;
  private Instant endedAt;
  private Cause killedFor;
  private String pendingSignal;
  private Throwable startError;

  ExecProcess(
      String id,
      ExecRequest request,
      Clock clock,
      ExecOutput output,
      BiConsumer<Integer, String> signaller) {
    this.id = id;
    this.request = request;
    this.clock = clock;
    this.startedAt = clock.instant();
    this.output = output;
    this.signaller = signaller;
  }

  String id() {
    return id;
  }

  ExecRequest request() {
    return request;
  }

  ExecOutput output() {
    return output;
  }

  /** The process id in the sandbox, once its shell said it; -1 if it ended without. */
  Future<Integer> pid() {
    return pid.future();
  }

  /** Completes once the process has ended and its output is all delivered to {@link #output()}. */
  Future<ExecProcess> done() {
    return done.future();
  }

  synchronized boolean running() {
    return !ended;
  }

  synchronized Instant endedAt() {
    return endedAt;
  }

  synchronized boolean timedOut() {
    return killedFor == Cause.TIMEOUT;
  }

  /** The listener the runtime reports to. */
  PipedProcess.Listener listener() {
    return new PipedProcess.Listener() {
      @Override
      public void output(PipedProcess.Stream stream, byte[] data) {
        byte[] own = data;
        if (stream == PipedProcess.Stream.STDOUT && !pidLine.done()) {
          own = pidLine.feed(data);
          if (pidLine.done()) pidKnown(pidLine.pid());
        }
        if (own.length > 0) output.output(stream, own);
      }

      @Override
      public void exited(int code) {
        byte[] held = pidLine.flush();
        if (held.length > 0) output.output(PipedProcess.Stream.STDOUT, held);
        finish(code);
      }
    };
  }

  /** The runtime started it: {@code piped} is closed once it ends. */
  synchronized void started(PipedProcess piped) {
    this.piped = piped;
    if (ended) piped.close();
  }

  /** It could not start: ends it with exit code -1 and {@code error} as {@link #startError()}. */
  void failed(Throwable error) {
    synchronized (this) {
      startError = error;
    }
    finish(-1);
  }

  /** Why the sandbox could not start it; null when it started. */
  synchronized Throwable startError() {
    return startError;
  }

  /**
   * Sends {@code signal} to the process group, once its id is known. The first cause counts: a timeout stays a
   * timeout.
   *
   * @return false if it had ended already
   */
  boolean signal(String signal, Cause cause) {
    int known;
    synchronized (this) {
      if (ended) return false;
      if (killedFor == null) killedFor = cause;
      if (!pidLine.done()) {
        pendingSignal = signal;
        return true;
      }
      known = pidLine.pid();
    }
    if (known > 0) signaller.accept(known, signal);
    return true;
  }

  private void pidKnown(int known) {
    String pending;
    synchronized (this) {
      pending = pendingSignal;
      pendingSignal = null;
    }
    pid.tryComplete(known);
    if (pending != null && known > 0) signaller.accept(known, pending);
  }

  private void finish(int code) {
    PipedProcess toClose;
    synchronized (this) {
      if (ended) return;
      ended = true;
      exitCode = code;
      endedAt = clock.instant();
      toClose = piped;
    }
    pid.tryComplete(-1);
    if (toClose != null) toClose.close();
    output.ended(this);
    done.tryComplete(this);
  }

  /** How it ended: exit code, whether its time ran out, whether it was killed. Only once it ended. */
  synchronized JsonObject outcome() {
    return new JsonObject()
        .put("exitCode", exitCode)
        .put("timedOut", killedFor == Cause.TIMEOUT)
        .put("killed", killedFor != null && killedFor != Cause.TIMEOUT);
  }

  /** As the process list shows it. */
  synchronized JsonObject toJson() {
    int known = pidLine.done() ? pidLine.pid() : -1;
    JsonObject json =
        new JsonObject()
            .put("id", id)
            .put("cmd", new JsonArray(request.cmd()))
            .put("cwd", request.cwd())
            .put("background", request.background())
            .put("startedAt", startedAt.toString())
            .put("timeoutS", request.timeout().toSeconds())
            .put("state", ended ? "exited" : "running");
    if (known > 0) json.put("pid", known);
    if (ended) json.put("endedAt", endedAt.toString()).mergeIn(outcome());
    return json;
  }
}
