package io.pier.node.exec;

import io.pier.node.runtime.PipedProcess;
import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A process's output streamed to the client that started it, as {@code stdout} and {@code stderr} events (base64),
 * then an {@code exit} event. The client's pace sets the process's: while its write queue is full the process's
 * pipes are not read ({@link OutputGate}).
 */
final class StreamedOutput implements ExecOutput {
  private final Context context;
  private final SseResponse sse;
  private final AtomicLong buffered;
  private final OutputGate gate = new OutputGate();

  /** @param context the request's context, where {@code sse} is written */
  StreamedOutput(Context context, SseResponse sse, AtomicLong buffered) {
    this.context = context;
    this.sse = sse;
    this.buffered = buffered;
  }

  /** The process's id and process id, as the first event. */
  void started(ExecProcess process, int pid) {
    context.runOnContext(
        v -> sse.event("start", new JsonObject().put("id", process.id()).put("pid", pid).encode()));
  }

  @Override
  public void output(PipedProcess.Stream stream, byte[] data) {
    if (!gate.enter(data.length)) return;
    buffered.addAndGet(data.length);
    context.runOnContext(
        v -> {
          try {
            sse.event(
                stream.name().toLowerCase(Locale.ROOT), Base64.getEncoder().encodeToString(data));
            if (sse.full()) {
              gate.pause(true);
              sse.onDrain(() -> gate.pause(false));
            }
          } finally {
            buffered.addAndGet(-data.length);
            gate.delivered(data.length);
          }
        });
  }

  @Override
  public void ended(ExecProcess process) {
    context.runOnContext(
        v -> {
          Throwable error = process.startError();
          if (error != null) {
            sse.event(
                "error",
                new JsonObject()
                    .put("error", "exec_failed")
                    .put("message", "the sandbox could not run the command")
                    .encode());
          } else {
            sse.event("exit", process.outcome().encode());
          }
          sse.end();
        });
  }

  @Override
  public void release() {
    gate.close();
  }
}
