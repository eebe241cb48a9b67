package io.pier.node.runtime.docker;

import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An input stream fed by {@link #offer}, which never blocks: terminal input arrives on the event loop, and
 * docker-java's stdin pump reads here on its own thread.
 */
final class QueueInputStream extends InputStream {
  private static final byte[] END = new byte[0];
  private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
  private byte[] current = new byte[0];
  private int position;
  private volatile boolean closed;

  void offer(byte[] data) {
    if (!closed && data.length > 0) chunks.add(data.clone());
  }

  @Override
  public int read() throws java.io.IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws java.io.IOException {
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
