package io.pier.node.session;

import io.pier.node.runtime.TtyProcess;
import io.vertx.core.Context;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Backpressure for all of one repl's output streams (its terminals and its run process): hands each chunk a stream
 * reads from the runtime's thread to the repl's context, and pauses a stream while none of the sessions showing it
 * has room. What it holds back is counted for the metrics, readable from any thread.
 */
final class OutputRegulator {
  private final Context context;

  /** Streams paused because every session showing them has a full write queue. */
  private final AtomicInteger pausedStreams = new AtomicInteger();

  /** Output read from streams and not yet sent to the sessions. */
  private final AtomicLong outputInHop = new AtomicLong();

  /** @param context the repl's context, where output is delivered */
  OutputRegulator(Context context) {
    this.context = context;
  }

  int pausedStreams() {
    return pausedStreams.get();
  }

  long outputInHop() {
    return outputInHop.get();
  }

  /**
   * Pauses a stream while every session that shows it has a full write queue, and lets it flow again as soon as one
   * has room. With nobody attached it flows into its replay buffer. A slow session among readers that keep up is not
   * waited for: {@link SessionSocket} closes it once it falls too far behind.
   */
  void regulate(OutputFlow flow, Collection<SessionSocket> readers) {
    if (flow.closed()) return;
    boolean stuck = !readers.isEmpty();
    for (SessionSocket s : readers) {
      if (!s.congested()) {
        stuck = false;
        break;
      }
    }
    if (flow.pause(stuck)) pausedStreams.addAndGet(stuck ? 1 : -1);
  }

  /** The stream is ending: never paused again, so that its last bytes and its end get through. */
  void release(OutputFlow flow) {
    if (flow.pause(false)) pausedStreams.decrementAndGet();
    flow.close();
  }

  /**
   * A listener for a stream's runtime thread that waits for room in {@code flow} (backpressure on the exec stream)
   * and hands each chunk to {@code deliver} on the repl's context.
   */
  TtyProcess.Listener listener(OutputFlow flow, Consumer<byte[]> deliver, IntConsumer exited) {
    return new TtyProcess.Listener() {
      @Override
      public void output(byte[] data) {
        if (!flow.enter(data.length)) return;
        outputInHop.addAndGet(data.length);
        context.runOnContext(
            v -> {
              try {
                deliver.accept(data);
              } finally {
                outputInHop.addAndGet(-data.length);
                flow.delivered(data.length);
              }
            });
      }

      @Override
      public void exited(int code) {
        context.runOnContext(v -> exited.accept(code));
      }
    };
  }
}
