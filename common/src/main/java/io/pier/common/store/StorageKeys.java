package io.pier.common.store;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Which workspace paths can be storage keys. A key is the file's relative path, exactly: nothing is normalised or
 * replaced, so a name that could mean something else to a storage server is refused instead, and reported.
 */
public final class StorageKeys {
  /** S3's limit on a whole key, in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 1024;

  private StorageKeys() {}

  /**
   * Why {@code prefix + relative} cannot be a storage key, or empty when it can.
   *
   * <p>Refused: empty paths or segments, {@code .} and {@code ..} segments, a leading {@code /}, backslashes (some
   * servers read them as separators), control characters (newlines break listings and logs), text that is not
   * valid Unicode, and keys longer than {@link #MAX_KEY_BYTES} bytes.
   */
  public static Optional<String> problem(String prefix, String relative) {
    if (relative == null || relative.isEmpty()) return Optional.of("an empty path");
    if (relative.startsWith("/")) return Optional.of("an absolute path");
    for (String segment : relative.split("/", -1)) {
      if (segment.isEmpty()) return Optional.of("an empty path segment");
      if (segment.equals(".") || segment.equals(".."))
        return Optional.of("a '" + segment + "' path segment");
    }
    for (int i = 0; i < relative.length(); i++) {
      char c = relative.charAt(i);
      if (c == '\\') return Optional.of("a backslash in the name");
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
        return Optional.of("a control character in the name");
      if (Character.isSurrogate(c)) {
        boolean paired =
            Character.isHighSurrogate(c)
                && i + 1 < relative.length()
                && Character.isLowSurrogate(relative.charAt(i + 1));
        if (!paired) return Optional.of("a name that is not valid Unicode");
        i++;
      }
    }
    int bytes = (prefix + relative).getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_KEY_BYTES)
      return Optional.of(
          "a path too long for storage ("
              + bytes
              + " bytes with its prefix, "
              + "at most "
              + MAX_KEY_BYTES
              + ")");
    return Optional.empty();
  }

  /** True when some segment of {@code key} is {@code .} or {@code ..}: a key no server of Pier's may store. */
  public static boolean hasDotSegment(String key) {
    for (String segment : key.replace('\\', '/').split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) return true;
    }
    return false;
  }
}
