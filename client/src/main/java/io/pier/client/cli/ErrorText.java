package io.pier.client.cli;

import io.pier.client.PierException;

/** The one line pierctl prints for a failure, e.g. {@code pierctl: no repl named 'x' (404 unknown_repl)}. */
final class ErrorText {
  private ErrorText() {}

  static String of(PierException e) {
    String where = e.status() == 0 ? e.code() : e.status() + " " + e.code();
    return "pierctl: " + oneLine(e.getMessage()) + " (" + where + ")";
  }

  static String of(String message) {
    return "pierctl: " + oneLine(message);
  }

  private static String oneLine(String message) {
    return message == null ? "failed" : message.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
