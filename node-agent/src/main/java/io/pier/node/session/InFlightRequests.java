package io.pier.node.session;

import io.pier.node.limits.SessionLimits;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The frames one session sent and the node has not handled yet (requests: not answered yet), held to
 * {@link SessionLimits#requestsInFlight()} frames and {@link SessionLimits#requestBytesInFlight()} bytes
 * (docs/protocol.md#limits). Frames are counted on the socket's thread, before they hop to the repl's context, so
 * that a flood cannot pile up tasks there.
 */
final class InFlightRequests {
  private final SessionHub hub;

  /** What happens, once, when the session goes past its limits: it is closed. */
  private final Runnable overLimit;

  private final AtomicInteger frames = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicBoolean over = new AtomicBoolean();

  /**
   * @param hub       where the node's totals are kept, and the limits
   * @param overLimit run once, on the socket's thread, when a frame goes past the limits
   */
  InFlightRequests(SessionHub hub, Runnable overLimit) {
    this.hub = hub;
    this.overLimit = overLimit;
  }

  /** Counts a frame in. @return false, and nothing counted, past the session's limits */
  boolean admit(int size) {
    if (over.get()) return false;
    int count = frames.incrementAndGet();
    long total = bytes.addAndGet(size);
    hub.inFlight(1, size);
    SessionLimits limits = hub.limits();
    if (count > limits.requestsInFlight() || total > limits.requestBytesInFlight()) {
      handled(size);
      if (over.compareAndSet(false, true)) overLimit.run();
      return false;
    }
    return true;
  }

  /** A counted frame is handled (a request: answered). Any thread. */
  void handled(int size) {
    frames.decrementAndGet();
    bytes.addAndGet(-size);
    hub.inFlight(-1, -size);
  }
}
