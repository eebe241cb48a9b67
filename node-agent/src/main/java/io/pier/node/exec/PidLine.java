package io.pier.node.exec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the process id {@link ExecCommand}'s shell prints on stdout's first line, and hands on the rest. A first line
 * that is not a short number is no id: it is handed on whole and the id stays unknown.
 */
final class PidLine {
  private static final int MAX = 12;

  private final byte[] line = new byte[MAX];
  private int length;
  private boolean done;
  private int pid = -1;

  boolean done() {
    return done;
  }

  /** The id; -1 while unknown. */
  int pid() {
    return pid;
  }

  /** Takes a chunk of stdout. @return what of it is the program's own output */
  byte[] feed(byte[] chunk) {
    if (done) return chunk;
    int held = length;
    for (int i = 0; i < chunk.length; i++) {
      byte b = chunk[i];
      if (b == '\n') {
        done = true;
        pid = parse();
        if (pid < 0) return concat(Arrays.copyOf(line, held), chunk, 0);
        return Arrays.copyOfRange(chunk, i + 1, chunk.length);
      }
      if (length == MAX || b < '0' || b > '9') {
        done = true;
        return concat(Arrays.copyOf(line, held), chunk, 0);
      }
      line[length++] = b;
    }
    return new byte[0];
  }

  /** The process ended: whatever was held is its output after all. */
  byte[] flush() {
    if (done) return new byte[0];
    done = true;
    return Arrays.copyOf(line, length);
  }

  private int parse() {
    if (length == 0) return -1;
    try {
      return Integer.parseInt(new String(line, 0, length, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static byte[] concat(byte[] head, byte[] chunk, int from) {
    byte[] all = Arrays.copyOf(head, head.length + chunk.length - from);
    System.arraycopy(chunk, from, all, head.length, chunk.length - from);
    return all;
  }
}
