package io.pier.common.auth;

import java.time.Duration;

/**
 * The hand-over that opens a private preview to its owner's browser. The sign-in cookie lives on the apex host only,
 * so the preview host {@code <slug>.<domain>} cannot see who the browser is. The edge-proxy sends the browser to
 * {@link #START} on the apex, where the scheduler reads the cookie, checks ownership and sends it back to
 * {@link #EXCHANGE} on the preview host with a preview token for that slug in the query; the edge-proxy turns it
 * into the {@link #COOKIE} on the preview host and sends the browser on to the path it first asked for.
 */
public final class PreviewAccess {
  /** The apex path that starts the hand-over: {@code ?slug=<slug>&return=<path>}. */
  public static final String START = "/api/auth/preview";

  /** The preview-host path that ends it: {@code ?token=<preview token>&return=<path>}; reserved on every preview. */
  public static final String EXCHANGE = "/__pier/auth";

  /** The host-only cookie on a preview host that holds a preview token for that slug. */
  public static final String COOKIE = "pier_preview";

  /** How long the token in the hand-over URL lasts: only the redirects in between, as it may show in logs. */
  public static final Duration LINK_TTL = Duration.ofSeconds(60);

  private static final int MAX_PATH = 2048;

  private PreviewAccess() {}

  /**
   * {@code raw} when it is a path on the same host ({@code /…}, not {@code //host} or a backslash trick, printable
   * ASCII only, as browsers send paths), else {@code /}: the hand-over never sends a browser to another site.
   */
  public static String safeReturnPath(String raw) {
    if (raw == null || raw.isEmpty() || raw.length() > MAX_PATH || raw.charAt(0) != '/') return "/";
    if (raw.startsWith("//") || raw.startsWith("/\\")) return "/";
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '\\') return "/";
    }
    return raw;
  }
}
