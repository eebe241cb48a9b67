package io.pier.node.envd.process;

/**
 * How a process ended, in envd's terms: {@code exited} when it exited by itself (then {@code exitCode} is its code and
 * {@code status} {@code exit status N}), else killed by a signal ({@code exitCode} -1, {@code status} {@code signal:
 * killed}); {@code error} says what went wrong when the sandbox could not tell.
 */
record ProcessEnd(int exitCode, boolean exited, String status, String error) {
  /**
   * From the container engine's exit code of the exec.
   *
   * @param signalled the signal the process was sent ({@code KILL}, {@code TERM}), or null
   */
  static ProcessEnd of(int engineCode, String signalled) {
    if (engineCode == -1) {
      if (signalled != null) return killed(signalled);
      return new ProcessEnd(-1, false, "unknown", "the sandbox stopped before the process ended");
    }
    if (signalled != null && engineCode > 128 && engineCode < 160) return killed(signalled);
    return new ProcessEnd(engineCode, true, "exit status " + engineCode, null);
  }

  /** It could not be started. */
  static ProcessEnd notStarted(String why) {
    return new ProcessEnd(-1, false, "not started", why);
  }

  private static ProcessEnd killed(String signal) {
    String name = "KILL".equals(signal) ? "killed" : "terminated";
    return new ProcessEnd(-1, false, "signal: " + name, null);
  }
}
