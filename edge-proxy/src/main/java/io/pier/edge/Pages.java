package io.pier.edge;

import static io.pier.common.http.HtmlPage.escape;

import io.pier.common.http.HtmlPage;
import io.vertx.core.http.HttpServerResponse;

/** The small HTML pages the edge answers itself: no such repl, not running, an expired private-preview link. */
final class Pages {
  private Pages() {}

  static void notFound(HttpServerResponse response, String host) {
    HtmlPage.send(
        response,
        404,
        "No repl here",
        "There is no repl at <code>"
            + escape(host)
            + "</code>. "
            + "Check the address, or create one from the Pier home page.");
  }

  static void notRunning(HttpServerResponse response, String slug) {
    HtmlPage.send(
        response,
        503,
        "This repl is not running",
        "<code>"
            + escape(slug)
            + "</code> exists but is stopped. "
            + "Open it in the Pier IDE to start it, then reload this page.");
  }

  static void console(HttpServerResponse response, String slug) {
    HtmlPage.send(
        response,
        404,
        "A console program",
        "<code>"
            + escape(slug)
            + "</code> runs a console program: it "
            + "has no web page. Its output is in the IDE's Run pane.");
  }

  static void linkExpired(HttpServerResponse response, String returnPath) {
    HtmlPage.send(
        response,
        401,
        "This sign-in link has expired",
        "The link that opens this private preview is "
            + "valid for a minute only. <a href=\""
            + escape(returnPath)
            + "\">Open the preview again</a> to get a new "
            + "one.");
  }
}
