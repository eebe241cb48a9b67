package io.pier.node.session;

import io.pier.node.runtime.TtyProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A shell started on a terminal in a sandbox before its repl's first run, waiting for it ({@link RunScript}): the
 * run then starts by a line written to that terminal instead of a new {@code docker exec}, which costs a runtime
 * round trip and the process's setup in the sandbox's namespaces (about 190 ms of a pooled start's first preview
 * byte, docs/benchmarks.md). It is the run's terminal from then on, its output and end the run's.
 *
 * <p>Until then what it prints is dropped (it prints only {@link RunScript#READY}). It carries nothing of a user's:
 * the variables arrive with the line. Thread-safe: the runtime reports from its own threads.
 */
final class WaitingRun implements TtyProcess.Listener {
  private static final int MARKER_WINDOW = 256;

  /** How long a run waits for a shell that has not said it is ready, at most: it normally takes milliseconds. */
  private static final Duration READY_WAIT = Duration.ofSeconds(2);

  private TtyProcess tty;
  private TtyProcess.Listener run;
  private boolean ready;
  private boolean ended;
  private boolean taken;
  private final StringBuilder seen = new StringBuilder();
  private final Runnable onEnd;

  /** @param onEnd told once when the shell ends before it was given a run */
  WaitingRun(Runnable onEnd) {
    this.onEnd = onEnd;
  }

  /** The terminal the shell was started on. */
  synchronized void started(TtyProcess terminal) {
    this.tty = terminal;
  }

  /**
   * Starts the run: {@code env} exported and {@code command} run by the waiting shell, its output and end going to
   * {@code listener} from now on. Empty when the shell cannot take it (not ready, gone, taken, or a variable no shell
   * can export): the caller starts the run the usual way.
   */
  synchronized Optional<TtyProcess> run(
      Map<String, String> env, String command, TtyProcess.Listener listener) {
    awaitReady();
    if (!ready || ended || taken || tty == null) return Optional.empty();
    Optional<String> line = RunScript.line(env, command);
    if (line.isEmpty()) return Optional.empty();
    taken = true;
    run = listener;
    if (!tty.write(line.get().getBytes(StandardCharsets.US_ASCII))) {
      // Nothing was queued before it: a refusal means the terminal is closed, and its end follows.
      run = null;
      return Optional.empty();
    }
    return Optional.of(tty);
  }

  /** A shell started a moment ago (beside a cold start's restore) may not have said it is ready yet. */
  private void awaitReady() {
    long deadline = System.nanoTime() + READY_WAIT.toNanos();
    try {
      for (long left = READY_WAIT.toMillis(); !ready && !ended && left > 0; ) {
        wait(left);
        left = (deadline - System.nanoTime()) / 1_000_000;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Lets the shell end without running anything (the repl went another way). */
  synchronized void dismiss() {
    if (taken || tty == null) return;
    taken = true;
    tty.write(new byte[] {'\n'});
    tty.close();
  }

  @Override
  public void output(byte[] data) {
    TtyProcess.Listener target;
    synchronized (this) {
      target = run;
      if (target == null) {
        if (!ready) {
          seen.append(new String(data, StandardCharsets.US_ASCII));
          ready = seen.indexOf(RunScript.READY) >= 0;
          if (ready) notifyAll();
          if (seen.length() > MARKER_WINDOW) seen.delete(0, seen.length() - MARKER_WINDOW);
        }
        return;
      }
    }
    target.output(data);
  }

  @Override
  public void exited(int code) {
    TtyProcess.Listener target;
    synchronized (this) {
      ended = true;
      target = run;
      notifyAll();
    }
    if (target != null) {
      target.exited(code);
    } else {
      onEnd.run();
    }
  }
}
