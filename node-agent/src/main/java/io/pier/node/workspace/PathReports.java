package io.pier.node.workspace;

import java.util.Map;

/** Workspace paths as log lines and messages show them: escaped, and a long list cut short. */
public final class PathReports {
  /** How many unsaved paths a result names; the rest are counted. */
  public static final int MAX_REPORTED = 100;

  private PathReports() {}

  /** {@code path (reason), …}, at most {@link #MAX_REPORTED} of them. */
  public static String describe(Map<String, String> refused) {
    StringBuilder text = new StringBuilder();
    refused.entrySet().stream()
        .limit(MAX_REPORTED)
        .forEach(
            e ->
                text.append(text.isEmpty() ? "" : ", ")
                    .append(printable(e.getKey()))
                    .append(" (")
                    .append(e.getValue())
                    .append(')'));
    if (refused.size() > MAX_REPORTED)
      text.append(" and ").append(refused.size() - MAX_REPORTED).append(" more");
    return text.toString();
  }

  /** A path as it can stand in a log line or a JSON message: control characters escaped. */
  public static String printable(String path) {
    StringBuilder out = new StringBuilder(path.length());
    path.codePoints()
        .forEach(
            c -> {
              if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                out.append(String.format("\\x%02x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }
}
