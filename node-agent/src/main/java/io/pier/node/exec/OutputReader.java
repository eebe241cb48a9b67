package io.pier.node.exec;

import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client reading a background process's output: what its {@link OutputRing} keeps, then what follows, then the
 * {@code exit} event. It never holds the process back: while the client's write queue is full, or more than
 * {@link OutputGate#HOP_BYTES} are on their way to it, chunks are skipped, and a {@code dropped} event says how many
 * bytes before the next one it gets.
 */
final class OutputReader implements OutputRing.Follower {
  private final Context context;
  private final SseResponse sse;
  private final AtomicLong buffered;

  /** Bytes on their way to the client's context; touched from the runtime's thread and the context. */
  private final AtomicLong inFlight = new AtomicLong();

  /** Bytes skipped since the last one sent; on the context only. */
  private long skipped;

  /** @param context the request's context, where {@code sse} is written */
  OutputReader(Context context, SseResponse sse, AtomicLong buffered) {
    this.context = context;
    this.sse = sse;
    this.buffered = buffered;
  }

  /** Sends what the ring kept. On the context, right after {@link OutputRing#follow}. */
  void replay(List<OutputRing.Chunk> kept, long droppedBefore) {
    skipped += droppedBefore;
    for (OutputRing.Chunk chunk : kept) send(chunk);
  }

  @Override
  public void chunk(OutputRing.Chunk chunk) {
    int size = chunk.data().length;
    if (inFlight.get() >= OutputGate.HOP_BYTES) {
      context.runOnContext(v -> skipped += size);
      return;
    }
    inFlight.addAndGet(size);
    buffered.addAndGet(size);
    context.runOnContext(
        v -> {
          inFlight.addAndGet(-size);
          buffered.addAndGet(-size);
          send(chunk);
        });
  }

  @Override
  public void ended(ExecProcess process) {
    context.runOnContext(
        v -> {
          if (skipped > 0) sse.event("dropped", new JsonObject().put("bytes", skipped).encode());
          skipped = 0;
          sse.event("exit", process.outcome().encode());
          sse.end();
        });
  }

  private void send(OutputRing.Chunk chunk) {
    if (sse.gone()) return;
    if (sse.full()) {
      skipped += chunk.data().length;
      return;
    }
    if (skipped > 0) {
      sse.event("dropped", new JsonObject().put("bytes", skipped).encode());
      skipped = 0;
    }
    sse.event(
        chunk.stream().name().toLowerCase(Locale.ROOT),
        Base64.getEncoder().encodeToString(chunk.data()));
  }
}
