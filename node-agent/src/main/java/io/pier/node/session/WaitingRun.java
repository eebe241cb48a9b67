package io.pier.node.session;

import io.pier.node.runtime.TtyProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A sandbox's first process, a shell on the sandbox's terminal waiting for its repl's first run ({@link RunScript}):
 * the run then starts by a line written to that terminal instead of a {@code docker exec}, which costs a runtime round
 * trip and the process's setup in the sandbox's namespaces (about 100 ms of a cold start, docs/benchmarks.md). The
 * terminal is the run's from then on: its output until the shell's exit line ({@link RunEndMark}), and that line's
 * code as the run's end; the terminal is let go then, and the shell idles as the sandbox's first process.
 *
 * <p>Until then what it prints is dropped (it prints only {@link RunScript#READY}). It carries nothing of a user's:
 * the variables arrive with the line. Thread-safe: the runtime reports from its own threads.
 */
final class WaitingRun implements TtyProcess.Listener {
  private static final int MARKER_WINDOW = 256;

  /** How long a run waits for a shell that has not said it is ready, at most: it normally takes milliseconds. */
  private static final Duration READY_WAIT = Duration.ofSeconds(2);

  private final String nonce;
  private final RunEndMark endMark;
  private TtyProcess tty;
  private Runnable onEnd = () -> {};
  private TtyProcess.Listener run;
  private boolean ready;

  /** The shell can take no run: its terminal ended, or it said it cannot wait. */
  private boolean ended;

  private boolean taken;
  private boolean runEnded;
  private final StringBuilder seen = new StringBuilder();

  /** @param nonce letters and digits no one else knows: the shell's exit line carries it */
  WaitingRun(String nonce) {
    this.nonce = nonce;
    this.endMark = new RunEndMark(nonce);
  }

  /**
   * The terminal the shell was started on, and who is told once when the shell can take no run before it was given
   * one. False when it could not wait from the start (the terminal is let go then, and {@code onEnd} is not told).
   */
  boolean started(TtyProcess terminal, Runnable onEnd) {
    synchronized (this) {
      this.tty = terminal;
      this.onEnd = onEnd;
      if (!ended) return true;
    }
    terminal.close();
    return false;
  }

  /**
   * Starts the run: {@code command} run with {@code env} by the waiting shell, its output and end going to {@code
   * listener} from now on. Empty when the shell cannot take it (not ready, gone, taken, or a variable no shell can
   * export): the caller starts the run the usual way.
   */
  synchronized Optional<TtyProcess> run(
      Map<String, String> env, String command, TtyProcess.Listener listener) {
    awaitReady();
    if (!ready || ended || taken || tty == null) return Optional.empty();
    Optional<String> line = RunScript.line(env, command, nonce);
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

  /** Lets the shell idle without running anything (the repl went another way), and its terminal go. */
  synchronized void dismiss() {
    if (taken || tty == null) return;
    taken = true;
    tty.write(new byte[] {'\n'});
    tty.close();
  }

  @Override
  public void output(byte[] data) {
    TtyProcess.Listener target;
    RunEndMark.Scan scan;
    synchronized (this) {
      target = run;
      if (target == null) {
        if (!ready && !ended) noticeWhatTheShellSays(data);
        return;
      }
      if (runEnded) return;
      scan = endMark.feed(data);
      if (scan.code().isPresent()) runEnded = true;
    }
    if (scan.output().length > 0) target.output(scan.output());
    if (scan.code().isPresent()) {
      target.exited(scan.code().getAsInt());
      tty.close();
    }
  }

  /** Looks for the ready line, or the one that says the shell cannot wait (then it ends here). Holds the lock. */
  private void noticeWhatTheShellSays(byte[] data) {
    seen.append(new String(data, StandardCharsets.US_ASCII));
    if (seen.indexOf(RunScript.READY) >= 0) {
      ready = true;
      notifyAll();
    } else if (seen.indexOf(RunScript.CANNOT_WAIT) >= 0) {
      ended = true;
      notifyAll();
      if (tty != null) {
        tty.close();
        onEnd.run();
      }
    }
    if (seen.length() > MARKER_WINDOW) seen.delete(0, seen.length() - MARKER_WINDOW);
  }

  /** The terminal ended: the sandbox stopped, or the terminal was let go. */
  @Override
  public void exited(int code) {
    TtyProcess.Listener target = null;
    boolean endedUnused = false;
    synchronized (this) {
      if (run != null) {
        if (!runEnded) target = run;
        runEnded = true;
      } else {
        endedUnused = !ended && tty != null;
      }
      ended = true;
      notifyAll();
    }
    if (target != null) target.exited(code);
    else if (endedUnused) onEnd.run();
  }
}
