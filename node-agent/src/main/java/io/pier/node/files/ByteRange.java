package io.pier.node.files;

import java.util.Optional;

/**
 * One range of a file's bytes asked for with {@code Range: bytes=first-last}, {@code bytes=first-} or
 * {@code bytes=-suffix}. Several ranges in one header are not served: the whole file is (RFC 9110 allows ignoring
 * Range).
 *
 * @param first the first byte's offset
 * @param length how many bytes
 */
record ByteRange(long first, long length) {
  /** The range not satisfiable in a file of that size: answered 416. */
  static final class Unsatisfiable extends RuntimeException {
    Unsatisfiable(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The range of a file of {@code size} bytes that {@code header} asks for; empty for the whole file.
   *
   * @throws Unsatisfiable when it starts past the end
   */
  static Optional<ByteRange> parse(String header, long size) {
    if (header == null) return Optional.empty();
    String h = header.strip();
    if (!h.startsWith("bytes=") || h.contains(",")) return Optional.empty();
    String spec = h.substring("bytes=".length()).strip();
    int dash = spec.indexOf('-');
    if (dash < 0) return Optional.empty();
    try {
      String a = spec.substring(0, dash).strip();
      String b = spec.substring(dash + 1).strip();
      if (a.isEmpty()) {
        if (b.isEmpty()) return Optional.empty();
        long suffix = Long.parseLong(b);
        if (suffix <= 0) throw new Unsatisfiable("an empty suffix range");
        long take = Math.min(suffix, size);
        if (take == 0) throw new Unsatisfiable("the file is empty");
        return Optional.of(new ByteRange(size - take, take));
      }
      long first = Long.parseLong(a);
      long last = b.isEmpty() ? size - 1 : Long.parseLong(b);
      if (first < 0) return Optional.empty();
      if (first >= size) throw new Unsatisfiable("the range starts past the end (" + size + ")");
      if (last < first) return Optional.empty();
      last = Math.min(last, size - 1);
      return Optional.of(new ByteRange(first, last - first + 1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The {@code Content-Range} value of this range of a file of {@code size} bytes. */
  String contentRange(long size) {
    return "bytes " + first + "-" + (first + length - 1) + "/" + size;
  }
}
