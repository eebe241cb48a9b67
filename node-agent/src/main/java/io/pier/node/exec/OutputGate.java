package io.pier.node.exec;

/**
 * Backpressure between the runtime's thread that reads a process's output and the client it is streamed to. The
 * reading thread {@link #enter}s before it hands a chunk over; that waits while the client's write queue is full or
 * {@link #HOP_BYTES} are handed over and not yet written. Waiting there stops the reading of the process's pipes, so
 * they fill and the process blocks on its next write. Nothing is buffered without bound on the node.
 */
final class OutputGate {
  /** Bytes handed over and not yet written to the client, at most (plus one chunk). */
  static final int HOP_BYTES = 256 * 1024;

  private long handedOver;
  private boolean paused;
  private boolean open = true;

  /**
   * Waits until {@code bytes} may be handed over, and counts them.
   *
   * @return false when the gate was closed (the client left or the thread was interrupted): drop the chunk
   */
  synchronized boolean enter(int bytes) {
    try {
      while (open && (handedOver >= HOP_BYTES || paused)) wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    if (!open) return false;
    handedOver += bytes;
    return true;
  }

  /** {@code bytes} of what was handed over are written (or dropped). */
  synchronized void delivered(int bytes) {
    handedOver -= bytes;
    notifyAll();
  }

  /** The client's write queue is full, or has room again. */
  synchronized void pause(boolean pause) {
    paused = pause;
    if (!pause) notifyAll();
  }

  synchronized boolean paused() {
    return paused;
  }

  /** Lets everything through from now on (unbounded wait is over): dropping, not waiting. */
  synchronized void close() {
    open = false;
    notifyAll();
  }

  synchronized long handedOver() {
    return handedOver;
  }
}
