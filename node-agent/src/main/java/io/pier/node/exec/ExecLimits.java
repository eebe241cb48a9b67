package io.pier.node.exec;

import java.time.Duration;

/**
 * The bounds of the programs' exec on one node: what one request may carry, how long a process may run, how much of
 * its output is kept, and how many processes a repl may have.
 *
 * @param maxArgs           arguments of a command, at most
 * @param maxCommandBytes   the command's arguments together, in UTF-8 bytes
 * @param maxEnv            environment variables a request may add
 * @param maxEnvBytes       their names and values together
 * @param maxStdinBytes     the stdin a request may give (it travels in the process's environment: under Linux's 128
 *                          KiB for one variable once base64-encoded)
 * @param defaultTimeout    a process's time limit when the request names none
 * @param backgroundTimeout the same for a background process
 * @param maxTimeout        the longest time limit a request may ask
 * @param keptPerStream     bytes of stdout and of stderr kept for an answer that waits; the rest is counted, dropped
 * @param ringBytes         bytes of a background process's latest output kept for its readers
 * @param runningPerRepl    processes running at once in one repl (waited for, streamed and background together)
 * @param finishedKept      background processes that have ended kept in the list, at most (the oldest go first)
 * @param finishedFor       how long an ended background process stays in the list
 * @param maxWait           the longest a {@code ?wait=true} may wait
 */
public record ExecLimits(
    int maxArgs,
    int maxCommandBytes,
    int maxEnv,
    int maxEnvBytes,
    int maxStdinBytes,
    Duration defaultTimeout,
    Duration backgroundTimeout,
    Duration maxTimeout,
    int keptPerStream,
    int ringBytes,
    int runningPerRepl,
    int finishedKept,
    Duration finishedFor,
    Duration maxWait) {

  /** A request body, at most: the command, the environment and the stdin at their bounds, JSON-escaped. */
  public int maxBodyBytes() {
    return 6 * (maxCommandBytes + maxEnvBytes + maxStdinBytes) + 4096;
  }

  public static ExecLimits defaults() {
    return new ExecLimits(
        256,
        64 * 1024,
        128,
        64 * 1024,
        64 * 1024,
        Duration.ofSeconds(60),
        Duration.ofSeconds(3600),
        Duration.ofSeconds(3600),
        1024 * 1024,
        256 * 1024,
        32,
        64,
        Duration.ofMinutes(15),
        Duration.ofSeconds(300));
  }

  /** The same with other process counts (tests). */
  public ExecLimits withProcesses(int running, int finished) {
    return new ExecLimits(
        maxArgs,
        maxCommandBytes,
        maxEnv,
        maxEnvBytes,
        maxStdinBytes,
        defaultTimeout,
        backgroundTimeout,
        maxTimeout,
        keptPerStream,
        ringBytes,
        running,
        finished,
        finishedFor,
        maxWait);
  }
}
