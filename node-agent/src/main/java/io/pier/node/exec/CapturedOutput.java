package io.pier.node.exec;

import io.pier.node.runtime.PipedProcess;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A process's stdout and stderr kept for one answer once it ends: up to a bound each, the rest counted and dropped,
 * never holding the process back. What it keeps counts in the node's buffered output until the answer is made.
 */
final class CapturedOutput implements ExecOutput {
  private final int keepPerStream;
  private final AtomicLong buffered;
  private final Consumer<ExecProcess> onEnd;
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private long dropped;
  private boolean answered;

  /**
   * @param buffered the node's count of output bytes held
   * @param onEnd    told once the process ended
   */
  CapturedOutput(int keepPerStream, AtomicLong buffered, Consumer<ExecProcess> onEnd) {
    this.keepPerStream = keepPerStream;
    this.buffered = buffered;
    this.onEnd = onEnd;
  }

  @Override
  public synchronized void output(PipedProcess.Stream stream, byte[] data) {
    if (answered) return;
    ByteArrayOutputStream kept = stream == PipedProcess.Stream.STDERR ? stderr : stdout;
    int room = Math.max(0, keepPerStream - kept.size());
    int take = Math.min(room, data.length);
    kept.write(data, 0, take);
    buffered.addAndGet(take);
    dropped += data.length - take;
  }

  @Override
  public void ended(ExecProcess process) {
    onEnd.accept(process);
  }

  /** The answer: exit code, both streams as UTF-8 text, and whether any was dropped. Frees what was kept. */
  synchronized JsonObject answer(ExecProcess process) {
    JsonObject answer =
        process
            .outcome()
            .put("stdout", stdout.toString(StandardCharsets.UTF_8))
            .put("stderr", stderr.toString(StandardCharsets.UTF_8))
            .put("truncated", dropped > 0)
            .put("droppedBytes", dropped);
    discard();
    return answer;
  }

  /** Frees what was kept, answered or not. */
  synchronized void discard() {
    if (answered) return;
    answered = true;
    buffered.addAndGet(-(stdout.size() + stderr.size()));
    stdout.reset();
    stderr.reset();
  }
}
