package io.pier.node.session;

import java.util.Arrays;

/**
 * The most recent output of a terminal or run process, replayed to a tab that attaches late or reconnects. The ring
 * grows with the output up to its capacity: most repls print a few lines, and a node holds one per run process and
 * terminal.
 */
final class OutputBuffer {
  private static final int FIRST_SIZE = 1024;

  private final int capacity;
  private byte[] ring = new byte[0];
  private long written;

  OutputBuffer(int capacity) {
    this.capacity = capacity;
  }

  void append(byte[] data) {
    growFor(written + data.length);
    int start = Math.max(0, data.length - ring.length);
    written += start;
    for (int i = start; i < data.length; i++) {
      ring[(int) (written % ring.length)] = data[i];
      written++;
    }
  }

  /** Below capacity nothing has wrapped yet, so each byte's place is its offset and a copy keeps it there. */
  private void growFor(long total) {
    if (ring.length == capacity || total <= ring.length) return;
    long doubled = Math.max(FIRST_SIZE, 2L * ring.length);
    ring = Arrays.copyOf(ring, (int) Math.min(capacity, Math.max(total, doubled)));
  }

  byte[] snapshot() {
    int size = (int) Math.min(written, ring.length);
    byte[] copy = new byte[size];
    long from = written - size;
    for (int i = 0; i < size; i++) copy[i] = ring[(int) ((from + i) % ring.length)];
    return copy;
  }

  /** How many bytes were ever appended (since the last clear): the offset the next byte gets. */
  long written() {
    return written;
  }

  /** The offset of the oldest byte still held: where a snapshot begins. */
  long oldestHeld() {
    return written - Math.min(written, ring.length);
  }

  /** Bytes held for replay, whatever was written. */
  int allocated() {
    return ring.length;
  }

  void clear() {
    written = 0;
    ring = new byte[0];
  }
}
