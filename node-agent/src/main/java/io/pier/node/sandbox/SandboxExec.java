package io.pier.node.sandbox;

import io.pier.node.runtime.PipedProcess;
import io.pier.node.runtime.TtyProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Processes started inside a running sandbox, as the repl's user in {@code /workspace}: what terminals and the run
 * command are. Every call blocks: run them off the event loop.
 */
public interface SandboxExec {

  /** Starts {@code command} in the sandbox on a pseudo-terminal of {@code cols}×{@code rows}. */
  TtyProcess execTty(
      String id,
      List<String> command,
      Map<String, String> env,
      int cols,
      int rows,
      TtyProcess.Listener listener);

  /**
   * Starts {@code command} in the sandbox without a terminal, in {@code workingDir} (a path inside the sandbox), with
   * {@code env} added to the sandbox's environment: its stdout and stderr go to {@code listener} apart, its stdin is
   * empty. It runs as the repl's user with the sandbox's limits, as every process in it does.
   */
  PipedProcess execPiped(
      String id,
      List<String> command,
      Map<String, String> env,
      String workingDir,
      PipedProcess.Listener listener);

  /** Runs {@code command} in the sandbox to completion. @return its exit code, -1 when it did not end in time */
  int execAndWait(String id, List<String> command, Duration timeout);
}
