package io.pier.node.session;

/** The most recent output of a terminal or run process, replayed to a tab that attaches late or reconnects. */
final class OutputBuffer {
  private final byte[] ring;
  private long written;

  OutputBuffer(int capacity) {
    this.ring = new byte[capacity];
  }

  void append(byte[] data) {
    int start = Math.max(0, data.length - ring.length);
    written += start;
    for (int i = start; i < data.length; i++) {
      ring[(int) (written % ring.length)] = data[i];
      written++;
    }
  }

  byte[] snapshot() {
    int size = (int) Math.min(written, ring.length);
    byte[] copy = new byte[size];
    long from = written - size;
    for (int i = 0; i < size; i++) copy[i] = ring[(int) ((from + i) % ring.length)];
    return copy;
  }

  void clear() {
    written = 0;
  }
}
