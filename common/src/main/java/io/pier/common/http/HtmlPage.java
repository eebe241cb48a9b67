package io.pier.common.http;

import io.vertx.core.http.HttpServerResponse;
import java.util.Locale;

/**
 * The small HTML pages Pier answers browsers with itself (no such repl, not yours, sign-in link expired): one look,
 * never cached, never a stack trace.
 */
public final class HtmlPage {
  public static final String CONTENT_TYPE = "text/html; charset=utf-8";

  private HtmlPage() {}

  /** Sends a page; {@code bodyHtml} is trusted markup, so escape anything from the request with {@link #escape}. */
  public static void send(HttpServerResponse response, int status, String title, String bodyHtml) {
    if (response.ended() || response.closed()) return;
    response
        .setStatusCode(status)
        .putHeader("Content-Type", CONTENT_TYPE)
        .putHeader("Cache-Control", "no-store")
        .end(render(title, bodyHtml));
  }

  /** The page's markup, for a caller that sends it its own way (a proxy's answer). */
  public static String render(String title, String bodyHtml) {
    return "<!doctype html><html><head><meta charset=\"utf-8\"><title>"
        + escape(title)
        + " · Pier</title>"
        + "<style>body{font:16px/1.5 system-ui,sans-serif;background:#0f172a;color:#e2e8f0;display:grid;"
        + "place-items:center;height:100vh;margin:0}main{max-width:34rem;padding:2rem}h1{font-size:1.5rem}"
        + "code{background:#1e293b;padding:.1rem .35rem;border-radius:4px}a{color:#93c5fd}</style></head><body>"
        + "<main><h1>"
        + escape(title)
        + "</h1><p>"
        + bodyHtml
        + "</p><p style=\"color:#64748b\">Pier</p></main>"
        + "</body></html>";
  }

  public static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }

  /** True when the client would rather have a page than JSON: a browser navigating, as its Accept header says. */
  public static boolean wanted(String accept) {
    return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
  }
}
