package io.pier.node.session;

/**
 * Backpressure for one output stream (a terminal or the run process) between the runtime's reading thread and the
 * repl's context. The reading thread calls {@link #enter} before it hands a chunk over; that waits while the stream
 * is paused (every session that shows it has a full write queue) or while {@link #HOP_BYTES} are already handed over
 * and not yet delivered. Waiting there stops the reading of the exec stream, so the pseudo-terminal fills and the
 * process writing to it blocks, as it would on a slow terminal. Nothing is buffered without bound on the node.
 */
final class OutputFlow {
  /** Bytes handed to the repl's context and not yet sent to the sessions, at most (plus one chunk). */
  static final int HOP_BYTES = 256 * 1024;

  private long handedOver;
  private boolean paused;
  private boolean closed;

  /**
   * Waits, on the runtime's thread, until {@code bytes} may be handed over, and counts them as handed over.
   *
   * @return false if the thread was interrupted (the stream is being closed): drop the chunk
   */
  synchronized boolean enter(int bytes) {
    try {
      while (handedOver >= HOP_BYTES || (paused && !closed)) wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    handedOver += bytes;
    return true;
  }

  /** The context has delivered (or dropped) {@code bytes} of what was handed over. */
  synchronized void delivered(int bytes) {
    handedOver -= bytes;
    notifyAll();
  }

  /** Pauses or resumes the reading of the stream. @return true if that changed it */
  synchronized boolean pause(boolean pause) {
    if (paused == pause) return false;
    paused = pause;
    if (!pause) notifyAll();
    return true;
  }

  synchronized boolean paused() {
    return paused && !closed;
  }

  synchronized boolean closed() {
    return closed;
  }

  synchronized long handedOver() {
    return handedOver;
  }

  /**
   * The stream is ending: it is never paused again, so that its last output (and its end) can arrive. The bound on
   * what is handed over still holds.
   */
  synchronized void close() {
    closed = true;
    notifyAll();
  }
}
