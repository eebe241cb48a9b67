package io.pier.node.limits;

import io.pier.common.config.Env;
import java.time.Duration;

/**
 * How much IDE session work one node-agent takes on, and what each session may hold (docs/operations.md#session-limits-on-a-node-agent).
 * Every bound here is reached with a clear answer: an upgrade refused with 429/503, a request answered {@code busy}
 * or {@code timeout}, or a session closed with a 4xxx code (docs/protocol.md#limits).
 *
 * @param sessionsPerNode     IDE sessions open at once on this node, all repls together
 * @param sessionsPerRepl     IDE sessions open at once on one repl
 * @param terminalsPerRepl    terminals open at once in one repl (1..255: each is a channel)
 * @param requestsInFlight    requests (and terminal input frames) one session may have sent and not had answered
 * @param requestBytesInFlight the bytes of those frames together
 * @param slowReaderBytes     output sent to a session while its socket's write queue is full, before it is closed
 * @param fileThreads         threads of the node's file pool, where every session's file work runs
 * @param fileQueue           file operations that may wait for one of those threads
 * @param fileTimeout         how long one file operation may take, queue included, before it is answered {@code timeout}
 */
public record SessionLimits(
    int sessionsPerNode,
    int sessionsPerRepl,
    int terminalsPerRepl,
    int requestsInFlight,
    long requestBytesInFlight,
    long slowReaderBytes,
    int fileThreads,
    int fileQueue,
    Duration fileTimeout) {
  /** The defaults of {@link #fromEnv}, for tests and embedded use. */
  public static final SessionLimits DEFAULT =
      new SessionLimits(1000, 50, 8, 64, 32L << 20, 4L << 20, 8, 256, Duration.ofSeconds(10));

  private static final int MAX_CHANNEL = 255;

  public SessionLimits {
    if (sessionsPerNode < 1
        || sessionsPerRepl < 1
        || terminalsPerRepl < 1
        || terminalsPerRepl > MAX_CHANNEL
        || requestsInFlight < 1
        || requestBytesInFlight < 1
        || slowReaderBytes < 1
        || fileThreads < 1
        || fileQueue < 1
        || fileTimeout.isNegative()
        || fileTimeout.isZero()) {
      throw new IllegalArgumentException("session limits out of range: " + this);
    }
  }

  /** Reads the {@code PIER_*} variables of docs/operations.md#session-limits-on-a-node-agent; a value out of range is a problem of {@code env}. */
  public static SessionLimits fromEnv(Env env) {
    SessionLimits d = DEFAULT;
    int perNode = env.atLeast("PIER_NODE_MAX_SESSIONS", d.sessionsPerNode(), 1);
    int perRepl = env.atLeast("PIER_REPL_MAX_SESSIONS", d.sessionsPerRepl(), 1);
    int terminals = env.atLeast("PIER_REPL_MAX_TERMINALS", d.terminalsPerRepl(), 1);
    if (terminals > MAX_CHANNEL)
      env.problem("PIER_REPL_MAX_TERMINALS must be at most " + MAX_CHANNEL + ", got " + terminals);
    int inFlight = env.atLeast("PIER_SESSION_MAX_IN_FLIGHT", d.requestsInFlight(), 1);
    int inFlightMb =
        env.atLeast("PIER_SESSION_MAX_IN_FLIGHT_MB", (int) (d.requestBytesInFlight() >> 20), 1);
    int slowKb = env.atLeast("PIER_SESSION_SLOW_READER_KB", (int) (d.slowReaderBytes() >> 10), 64);
    int threads = env.atLeast("PIER_NODE_FILE_THREADS", d.fileThreads(), 1);
    int queue = env.atLeast("PIER_NODE_FILE_QUEUE", d.fileQueue(), 1);
    int timeoutMs = env.atLeast("PIER_NODE_FILE_TIMEOUT_MS", (int) d.fileTimeout().toMillis(), 100);
    if (perRepl > perNode) {
      env.problem(
          "PIER_REPL_MAX_SESSIONS ("
              + perRepl
              + ") cannot be more than PIER_NODE_MAX_SESSIONS ("
              + perNode
              + ")");
    }
    try {
      return new SessionLimits(
          perNode,
          perRepl,
          Math.min(terminals, MAX_CHANNEL),
          inFlight,
          (long) inFlightMb << 20,
          (long) slowKb << 10,
          threads,
          queue,
          Duration.ofMillis(timeoutMs));
    } catch (IllegalArgumentException e) {
      // Every value was checked above and named as a problem; env.check() reports them.
      return DEFAULT;
    }
  }
}
