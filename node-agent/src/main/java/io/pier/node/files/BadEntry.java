package io.pier.node.files;

import io.pier.common.http.ApiException;
import io.pier.node.workspace.PathReports;

/** An archive entry refused: the answer names it ({@code "entry"} next to error and message). */
final class BadEntry extends ApiException {
  private final String entry;

  BadEntry(int status, String code, String entry, String reason) {
    super(status, code, "archive entry '" + PathReports.printable(entry) + "': " + reason);
    this.entry = entry;
  }

  BadEntry(String entry, String reason) {
    this(400, "bad_entry", entry, reason);
  }

  String entry() {
    return entry;
  }
}
