package io.pier.node.session;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * Finds, in a run's output as it arrives, the line its waiting shell prints when the run ended ({@link
 * RunScript#EXIT_MARK}, the shell's nonce, the code): what comes before it is the run's output, what follows it is
 * not. Bytes that may begin the mark are held back until the next chunk says whether they do; at most the mark and a
 * code's length.
 */
final class RunEndMark {
  /** Digits of an exit code (0–255), at most, before its BEL. */
  private static final int MAX_CODE = 3;

  private static final byte BEL = 7;

  private final byte[] mark;
  private byte[] held = new byte[0];
  private boolean found;

  RunEndMark(String nonce) {
    this.mark = (RunScript.EXIT_MARK + nonce + ";").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * What of the run's output can be passed on now, and its exit code once the mark is complete.
   *
   * @param output the run's bytes, in order, before the mark
   * @param code   the exit code; present once, after which nothing more is the run's
   */
  record Scan(byte[] output, OptionalInt code) {}

  Scan feed(byte[] data) {
    if (found) return new Scan(new byte[0], OptionalInt.empty());
    byte[] all = concat(held, data);
    int at = indexOf(all, mark);
    if (at >= 0) {
      int code = 0;
      int digits = 0;
      for (int i = at + mark.length; i < all.length; i++) {
        byte b = all[i];
        if (b == BEL && digits > 0) {
          found = true;
          held = new byte[0];
          return new Scan(Arrays.copyOf(all, at), OptionalInt.of(code));
        }
        if (b < '0' || b > '9' || ++digits > MAX_CODE) return passOn(all, at + 1);
        code = code * 10 + (b - '0');
      }
      held = Arrays.copyOfRange(all, at, all.length);
      return new Scan(Arrays.copyOf(all, at), OptionalInt.empty());
    }
    int keep = longestPrefixAtEnd(all);
    held = Arrays.copyOfRange(all, all.length - keep, all.length);
    return new Scan(Arrays.copyOf(all, all.length - keep), OptionalInt.empty());
  }

  /** A mark not followed by a code is the run's own output: passed on up to {@code upTo}, the rest scanned again. */
  private Scan passOn(byte[] all, int upTo) {
    held = new byte[0];
    Scan rest = feed(Arrays.copyOfRange(all, upTo, all.length));
    return new Scan(concat(Arrays.copyOf(all, upTo), rest.output()), rest.code());
  }

  /** The length of the longest end of {@code bytes} that begins the mark. */
  private int longestPrefixAtEnd(byte[] bytes) {
    for (int n = Math.min(mark.length - 1, bytes.length); n > 0; n--) {
      if (Arrays.equals(bytes, bytes.length - n, bytes.length, mark, 0, n)) return n;
    }
    return 0;
  }

  private static int indexOf(byte[] bytes, byte[] sought) {
    outer:
    for (int i = 0; i + sought.length <= bytes.length; i++) {
      for (int j = 0; j < sought.length; j++) {
        if (bytes[i + j] != sought[j]) continue outer;
      }
      return i;
    }
    return -1;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    if (a.length == 0) return b;
    ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }
}
