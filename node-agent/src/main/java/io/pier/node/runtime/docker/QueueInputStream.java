package io.pier.node.runtime.docker;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An input stream fed by {@link #offer}, which never blocks: terminal input arrives on the event loop, and
 * docker-java's stdin pump reads here on its own thread. It holds at most {@link #CAPACITY} bytes not yet read:
 * input to a process that does not read it is refused, not kept without bound.
 */
final class QueueInputStream extends InputStream {
  /** Bytes offered and not yet read, at most: a large paste, many times over. */
  static final int CAPACITY = 1024 * 1024;

  private static final byte[] END = new byte[0];
  private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
  private final int capacity;

  /** Bytes queued and not yet taken by the reader; guarded by {@code this}. */
  private long queued;

  private byte[] current = new byte[0];
  private int position;
  private volatile boolean closed;

  QueueInputStream() {
    this(CAPACITY);
  }

  QueueInputStream(int capacity) {
    this.capacity = capacity;
  }

  /** Queues {@code data} for the reader. @return false if it was dropped: closed, or the queue is full */
  boolean offer(byte[] data) {
    if (closed) return false;
    if (data.length == 0) return true;
    synchronized (this) {
      // One frame larger than the whole capacity still goes through when nothing else waits.
      if (queued > 0 && queued + data.length > capacity) return false;
      queued += data.length;
    }
    chunks.add(data.clone());
    return true;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) return 0;
    while (position >= current.length) {
      if (current == END) return -1;
      try {
        current = chunks.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
      position = 0;
      if (current == END) return -1;
      synchronized (this) {
        queued -= current.length;
      }
    }
    int n = Math.min(length, current.length - position);
    System.arraycopy(current, position, buffer, offset, n);
    position += n;
    return n;
  }

  @Override
  public int available() {
    return Math.max(0, current.length - position);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      chunks.add(END);
    }
  }
}
