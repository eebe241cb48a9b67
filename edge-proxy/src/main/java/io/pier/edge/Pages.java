package io.pier.edge;

import io.vertx.core.http.HttpServerResponse;

/** The small HTML pages the edge answers itself: no such repl, repl not running. */
final class Pages {
  private Pages() {
  }

  static void notFound(HttpServerResponse response, String host) {
    send(response, 404, "No repl here", "There is no repl at <code>" + escape(host) + "</code>. "
        + "Check the address, or create one from the Pier home page.");
  }

  static void notRunning(HttpServerResponse response, String slug) {
    send(response, 503, "This repl is not running", "<code>" + escape(slug) + "</code> exists but is stopped. "
        + "Open it in the Pier IDE to start it, then reload this page.");
  }

  static void console(HttpServerResponse response, String slug) {
    send(response, 404, "A console program", "<code>" + escape(slug) + "</code> runs a console program: it has no web "
        + "page. Its output is in the IDE's Run pane.");
  }

  private static void send(HttpServerResponse response, int status, String title, String body) {
    if (response.ended()) return;
    response.setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + title + " · Pier</title>"
            + "<style>body{font:16px/1.5 system-ui,sans-serif;background:#0f172a;color:#e2e8f0;display:grid;"
            + "place-items:center;height:100vh;margin:0}main{max-width:34rem;padding:2rem}h1{font-size:1.5rem}"
            + "code{background:#1e293b;padding:.1rem .35rem;border-radius:4px}</style></head><body><main><h1>"
            + title + "</h1><p>" + body + "</p><p style=\"color:#64748b\">Pier</p></main></body></html>");
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
