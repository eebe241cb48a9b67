package io.pier.node.ports;

import io.pier.common.repl.Slugs;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A request for one port of a repl's sandbox, as the edge-proxy sends it: {@code /ports/<slug>/<port><uri>}, read
 * from the raw request URI (never from a normalised path, which a dot segment could have moved to another repl or to
 * another route of the node-agent).
 *
 * @param port 1 to 65535
 * @param uri  what the sandbox's app is asked for: path (from a slash) and query
 */
public record PortPath(String slug, int port, String uri) {
  static final String PREFIX = "/ports/";

  /** A port as a host or header writes it: no sign, no leading zero. */
  private static final Pattern PORT = Pattern.compile("[1-9][0-9]{0,4}");

  /** What {@link #parse} found wrong. */
  public static final class Refused extends Exception {
    private final String code;

    Refused(String code, String message) {
      super(message, null, false, false);
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  /**
   * Reads a raw request URI.
   *
   * @throws Refused {@code bad_sandbox} for a slug that is none, {@code bad_port} for a port outside 1–65535 or spelt
   *     otherwise, {@code bad_path} for a dot segment (however escaped), a backslash or a control character
   */
  public static PortPath parse(String rawUri) throws Refused {
    if (rawUri == null || !rawUri.startsWith(PREFIX))
      throw new Refused("bad_path", "not a port path");
    String rest = rawUri.substring(PREFIX.length());
    int slash = rest.indexOf('/');
    String slug = slash < 0 ? rest : rest.substring(0, slash);
    if (!Slugs.isValid(slug)) throw new Refused("bad_sandbox", "not a sandbox id: " + slug);
    rest = slash < 0 ? "" : rest.substring(slash + 1);
    int end = firstOf(rest, '/', '?');
    String port = end < 0 ? rest : rest.substring(0, end);
    if (!PORT.matcher(port).matches() || Integer.parseInt(port) > 65535)
      throw new Refused("bad_port", "a port is a number from 1 to 65535, not " + port);
    String uri = end < 0 ? "/" : rest.substring(end);
    if (uri.startsWith("?")) uri = "/" + uri;
    int query = uri.indexOf('?');
    if (!plainPath(query < 0 ? uri : uri.substring(0, query)))
      throw new Refused(
          "bad_path",
          "this path is not accepted (dot segments, backslashes and control characters are not)");
    if (!plainQuery(query < 0 ? "" : uri.substring(query)))
      throw new Refused("bad_path", "control characters are not accepted in a query");
    return new PortPath(slug, Integer.parseInt(port), uri);
  }

  private static int firstOf(String s, char a, char b) {
    int i = s.indexOf(a);
    int j = s.indexOf(b);
    if (i < 0) return j;
    if (j < 0) return i;
    return Math.min(i, j);
  }

  /** No dot segment ({@code .}, {@code ..}, spelt with escapes or not), backslash or control character. */
  private static boolean plainPath(String path) {
    if (!plainQuery(path) || path.indexOf('\\') >= 0) return false;
    String lower = path.toLowerCase(Locale.ROOT);
    if (lower.contains("%5c")) return false;
    for (String segment : lower.replace("%2e", ".").split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) return false;
    }
    return true;
  }

  private static boolean plainQuery(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x21 || c == 0x7f) return false;
    }
    return true;
  }
}
