package io.pier.node.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pier.node.limits.BlockingPool;
import io.pier.node.limits.SessionLimits;
import io.pier.node.limits.SessionSlots;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What all IDE sessions of one node-agent share: their limits, the slots that count them, the file pool their file
 * operations run on, and the metrics of all three (docs/operations.md#session-limits-on-a-node-agent).
 */
public final class SessionHub implements AutoCloseable {
  private final Vertx vertx;
  private final SessionLimits limits;
  private final SessionSlots slots;
  private final BlockingPool files;
  private final AtomicInteger requestsInFlight = new AtomicInteger();
  private final AtomicLong requestBytesInFlight = new AtomicLong();

  /** Output written to sessions whose write queue was full, not yet drained. */
  private final AtomicLong backlogBytes = new AtomicLong();

  /** Repls with a session open, each with how many: their streams' state makes the output gauges. */
  private final Map<LiveRepl, AtomicInteger> repls = new ConcurrentHashMap<>();

  private final Counter closedTooMany;
  private final Counter closedSlowReader;
  private final Counter inputDropped;

  public SessionHub(Vertx vertx, SessionLimits limits, MeterRegistry metrics) {
    this.vertx = vertx;
    this.limits = limits;
    this.slots = new SessionSlots(limits.sessionsPerNode(), limits.sessionsPerRepl());
    this.files =
        new BlockingPool(
            "session-files", limits.fileThreads(), limits.fileQueue(), limits.fileTimeout());
    Gauge.builder("pier.sessions.limit", limits, SessionLimits::sessionsPerNode)
        .tag("scope", "node")
        .description("IDE sessions this node takes at once")
        .register(metrics);
    Gauge.builder("pier.sessions.limit", limits, SessionLimits::sessionsPerRepl)
        .tag("scope", "repl")
        .description("IDE sessions one repl takes at once")
        .register(metrics);
    Gauge.builder("pier.terminals.limit", limits, SessionLimits::terminalsPerRepl)
        .tag("scope", "repl")
        .description("Terminals one repl may have open")
        .register(metrics);
    Gauge.builder("pier.sessions.slots", slots, SessionSlots::used)
        .description("IDE sessions holding a slot: connected, or upgrading")
        .register(metrics);
    for (SessionSlots.Scope scope : SessionSlots.Scope.values()) {
      FunctionCounter.builder("pier.sessions.refused", slots, s -> s.refused(scope))
          .tag("limit", scope.label())
          .description("Session upgrades refused because a limit was reached")
          .register(metrics);
    }
    this.closedTooMany =
        Counter.builder("pier.sessions.closed")
            .tag("reason", "too_many_requests")
            .description(
                "Sessions the node closed: 4008 too many requests in flight, 4009 output not read")
            .register(metrics);
    this.closedSlowReader =
        Counter.builder("pier.sessions.closed")
            .tag("reason", "slow_reader")
            .description(
                "Sessions the node closed: 4008 too many requests in flight, 4009 output not read")
            .register(metrics);
    this.inputDropped =
        Counter.builder("pier.terminal.input.dropped.bytes")
            .description("Terminal input dropped because the terminal did not read what it had")
            .register(metrics);
    Gauge.builder("pier.session.requests.in.flight", requestsInFlight, AtomicInteger::get)
        .description("Requests sessions sent and the node has not answered yet")
        .register(metrics);
    Gauge.builder("pier.session.requests.in.flight.bytes", requestBytesInFlight, AtomicLong::get)
        .description("Bytes of those requests")
        .register(metrics);
    Gauge.builder("pier.session.output.backlog.bytes", this, SessionHub::outputBacklog)
        .description(
            "Terminal and run output on its way to sessions beyond their sockets' write queues")
        .register(metrics);
    Gauge.builder("pier.session.output.paused", this, SessionHub::pausedStreams)
        .description(
            "Terminal and run streams paused because every session showing them is not reading")
        .register(metrics);
    Gauge.builder("pier.session.file.pool.active", files, BlockingPool::active)
        .description("File operations running on the node's session file pool")
        .register(metrics);
    Gauge.builder("pier.session.file.pool.queued", files, BlockingPool::queued)
        .description("File operations waiting for a thread of that pool")
        .register(metrics);
    Gauge.builder("pier.session.file.pool.abandoned", files, BlockingPool::abandoned)
        .description("Threads stuck in a file operation that timed out")
        .register(metrics);
    FunctionCounter.builder("pier.session.file.pool.rejected", files, BlockingPool::rejected)
        .description("File operations answered busy because the pool and its queue were full")
        .register(metrics);
    FunctionCounter.builder("pier.session.file.pool.timeouts", files, BlockingPool::timedOut)
        .description("File operations answered timeout")
        .register(metrics);
  }

  public SessionLimits limits() {
    return limits;
  }

  public SessionSlots slots() {
    return slots;
  }

  public BlockingPool files() {
    return files;
  }

  Vertx vertx() {
    return vertx;
  }

  void inFlight(int requests, long bytes) {
    requestsInFlight.addAndGet(requests);
    requestBytesInFlight.addAndGet(bytes);
  }

  void backlog(long bytes) {
    backlogBytes.addAndGet(bytes);
  }

  void closedTooMany() {
    closedTooMany.increment();
  }

  void closedSlowReader() {
    closedSlowReader.increment();
  }

  void inputDropped(int bytes) {
    inputDropped.increment(bytes);
  }

  void opened(LiveRepl repl) {
    repls.computeIfAbsent(repl, r -> new AtomicInteger()).incrementAndGet();
  }

  void closed(LiveRepl repl) {
    repls.computeIfPresent(repl, (r, count) -> count.decrementAndGet() <= 0 ? null : count);
  }

  /** Sessions closed with 4008 so far. */
  public double closedTooManyCount() {
    return closedTooMany.count();
  }

  /** Sessions closed with 4009 so far. */
  public double closedSlowReaderCount() {
    return closedSlowReader.count();
  }

  /** Requests sent and not yet answered, all sessions together. */
  public int requestsInFlight() {
    return requestsInFlight.get();
  }

  /** Output beyond the sessions' write queues plus output handed from streams to the repls' contexts. */
  public long outputBacklog() {
    long hop = 0;
    for (LiveRepl r : repls.keySet()) hop += r.outputInHop();
    return backlogBytes.get() + hop;
  }

  /** Streams paused now because nobody reads them. */
  public int pausedStreams() {
    int paused = 0;
    for (LiveRepl r : repls.keySet()) paused += r.pausedStreams();
    return paused;
  }

  @Override
  public void close() {
    files.close();
  }
}
