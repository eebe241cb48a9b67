package io.pier.edge;

/**
 * The one spelling of a path that the apex serves. The Origin check, the routing to the API and to IDE sessions, and
 * every service behind the edge must see the same path: {@code //api/...} or {@code /%61pi/...} would otherwise be
 * classified as "not the API" here and reach the API there. So the apex answers only canonical paths (400 otherwise)
 * and forwards exactly what it classified.
 */
final class ApexPaths {
  private ApexPaths() {}

  /**
   * The canonical form of a raw (not decoded) request path: percent-escapes of unreserved characters decoded
   * ({@code %61} is {@code a}), other escapes kept with upper-case hex, runs of slashes collapsed. Null when no
   * canonical form is safe: a dot segment ({@code .} or {@code ..}, however spelt), a malformed escape, a backslash,
   * a control or non-ASCII character, or a path that does not start with a slash.
   */
  static String canonical(String raw) {
    if (raw == null || raw.isEmpty() || raw.charAt(0) != '/') return null;
    StringBuilder out = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) return null;
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) return null;
        char decoded = (char) (hi * 16 + lo);
        if (unreserved(decoded)) {
          out.append(decoded);
        } else {
          out.append('%')
              .append(Character.toUpperCase(raw.charAt(i + 1)))
              .append(Character.toUpperCase(raw.charAt(i + 2)));
        }
        i += 2;
      } else if (c == '\\' || c <= 0x20 || c >= 0x7f) {
        return null;
      } else if (c == '/' && out.length() > 0 && out.charAt(out.length() - 1) == '/') {
        // a run of slashes is one
      } else {
        out.append(c);
      }
    }
    String path = out.toString();
    for (String segment : path.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) return null;
    }
    return path;
  }

  /** RFC 3986's unreserved characters: an escape of one of them means the character itself. */
  private static boolean unreserved(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  /** Whether the path is the API's ({@code /api} or under {@code /api/}); only for canonical paths. */
  static boolean isApi(String canonicalPath) {
    return canonicalPath.equals("/api") || canonicalPath.startsWith("/api/");
  }
}
