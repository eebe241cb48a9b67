package io.pier.node.envd.process;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the process id the launch script prints as its output's first line ({@link LaunchScripts}) and hands on the
 * rest. On a terminal the line ends {@code \r\n}. A first line that is not a short number is no id: it is handed on
 * whole and the id stays unknown (-1).
 */
final class PidPrefix {
  private static final int MAX = 12;

  private final byte[] line = new byte[MAX + 1];
  private int length;
  private boolean done;
  private int pid = -1;

  boolean done() {
    return done;
  }

  /** The id; -1 while (or if it stays) unknown. */
  int pid() {
    return pid;
  }

  /** Takes a chunk of output. @return what of it is the program's own output */
  byte[] feed(byte[] chunk) {
    if (done) return chunk;
    int held = length;
    for (int i = 0; i < chunk.length; i++) {
      byte b = chunk[i];
      if (b == '\n') {
        done = true;
        pid = parse();
        if (pid < 0) return concat(Arrays.copyOf(line, held), chunk);
        return Arrays.copyOfRange(chunk, i + 1, chunk.length);
      }
      boolean digit = b >= '0' && b <= '9';
      boolean carriageReturnLast = b == '\r' && length > 0 && line[length - 1] != '\r';
      if (length == MAX
          || !(digit || carriageReturnLast)
          || (digit && length > 0 && line[length - 1] == '\r')) {
        done = true;
        return concat(Arrays.copyOf(line, held), chunk);
      }
      line[length++] = b;
    }
    return new byte[0];
  }

  /** The output ended: whatever was held is the program's output after all. */
  byte[] flush() {
    if (done) return new byte[0];
    done = true;
    return Arrays.copyOf(line, length);
  }

  private int parse() {
    int digits = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
    if (digits == 0) return -1;
    try {
      return Integer.parseInt(new String(line, 0, digits, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static byte[] concat(byte[] head, byte[] chunk) {
    byte[] all = Arrays.copyOf(head, head.length + chunk.length);
    System.arraycopy(chunk, 0, all, head.length, chunk.length);
    return all;
  }
}
