package io.pier.node.envd;

import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Which user a call of the in-sandbox API acts as. E2B names it in {@code Authorization: Basic base64(user:)} (its
 * SDKs send {@code user} by default, or nothing, and {@code root} when code asks for it). A repl has one user, its
 * unprivileged one (uid 1000), and every call acts as that one: no name, {@code user} and the repl's own user's name
 * ({@code runner}) are that user; {@code root} is refused with {@code permission_denied} rather than quietly run
 * unprivileged, so code that needs root fails at once and says why; any other name is refused the same way.
 */
final class EnvdUsers {
  /** The name E2B's SDKs use for the sandbox's default user; the one a call without a name acts as. */
  static final String DEFAULT = "user";

  /** The repl's own user in Pier's runner images. */
  static final String REPL_USER = "runner";

  private EnvdUsers() {}

  /**
   * The user a call asks for, checked.
   *
   * @param authorization the request's {@code Authorization} header, may be null
   * @throws ConnectException {@code unauthenticated} for a header that is not Basic {@code user:}, {@code
   *     permission_denied} for a user other than the repl's
   */
  static String user(String authorization) {
    if (authorization == null || authorization.isBlank()) return DEFAULT;
    String value = authorization.strip();
    if (!value.regionMatches(true, 0, "Basic ", 0, 6)) {
      throw new ConnectException(
          ConnectCode.UNAUTHENTICATED, "Authorization must be Basic base64(<user>:)");
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(value.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ConnectException(
          ConnectCode.UNAUTHENTICATED, "Authorization must be Basic base64(<user>:)");
    }
    int colon = decoded.indexOf(':');
    String name = colon < 0 ? decoded : decoded.substring(0, colon);
    if (name.isEmpty() || name.equals(DEFAULT) || name.equals(REPL_USER)) return DEFAULT;
    if (name.equals("root")) {
      throw new ConnectException(
          ConnectCode.PERMISSION_DENIED,
          "a Pier sandbox runs everything as its unprivileged user: user 'root' is refused; leave the user out or use 'user'");
    }
    throw new ConnectException(
        ConnectCode.PERMISSION_DENIED,
        "a Pier sandbox has one user ('user'); there is no user '" + printable(name) + "'");
  }

  private static String printable(String name) {
    String cut = name.length() > 32 ? name.substring(0, 32) + "…" : name;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
