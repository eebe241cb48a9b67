package io.pier.node.collab;

import io.pier.node.session.SessionException;
import io.vertx.core.json.JsonArray;

/**
 * The JSON form of a CodeMirror {@code ChangeSet} (what {@code ChangeSet.toJSON()} of {@code @codemirror/state}
 * writes and {@code @codemirror/collab} sends): an array of sections, each either a number (keep that many characters)
 * or an array {@code [deleted, ...insertedLines]} (drop that many, insert the lines joined by {@code \n}). Lengths
 * count UTF-16 code units, as Java strings do. The sections must cover the whole document, or the change was made to
 * another text and is refused: applying it anyway would corrupt the file.
 */
public final class TextChanges {
  private TextChanges() {}

  /** Applies {@code changes} to {@code text}. @throws SessionException {@code bad_request} for a malformed change */
  public static String apply(String text, JsonArray changes) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    int at = 0;
    for (Object section : changes) {
      if (section instanceof Number keep) {
        int n = length(keep);
        if (n > text.length() - at) throw bad("a change keeps more than the document holds");
        out.append(text, at, at + n);
        at += n;
      } else if (section instanceof JsonArray replace && !replace.isEmpty()) {
        int n = length(replace.getValue(0));
        if (n > text.length() - at) throw bad("a change deletes more than the document holds");
        at += n;
        for (int i = 1; i < replace.size(); i++) {
          if (!(replace.getValue(i) instanceof String line))
            throw bad("inserted lines are strings");
          if (i > 1) out.append('\n');
          out.append(line);
        }
      } else {
        throw bad("a change section is a number or [deleted, ...lines]");
      }
    }
    if (at != text.length()) throw bad("a change must cover the whole document");
    return out.toString();
  }

  /**
   * The change from {@code before} to {@code after} as one replacement between their common start and end: how a
   * change made on disk (a terminal, another program) reaches the editors as an ordinary update.
   */
  public static JsonArray between(String before, String after) {
    int prefix = 0;
    int max = Math.min(before.length(), after.length());
    while (prefix < max && before.charAt(prefix) == after.charAt(prefix)) prefix++;
    int suffix = 0;
    while (suffix < max - prefix
        && before.charAt(before.length() - 1 - suffix) == after.charAt(after.length() - 1 - suffix))
      suffix++;
    JsonArray changes = new JsonArray();
    if (prefix > 0) changes.add(prefix);
    int deleted = before.length() - prefix - suffix;
    String inserted = after.substring(prefix, after.length() - suffix);
    if (deleted > 0 || !inserted.isEmpty()) {
      JsonArray replace = new JsonArray().add(deleted);
      if (!inserted.isEmpty()) for (String line : inserted.split("\n", -1)) replace.add(line);
      changes.add(replace);
    }
    if (suffix > 0) changes.add(suffix);
    return changes;
  }

  private static int length(Object value) {
    if (!(value instanceof Number n) || n.doubleValue() != n.intValue() || n.intValue() < 0)
      throw bad("a change's lengths are whole numbers, not negative");
    return n.intValue();
  }

  private static SessionException bad(String message) {
    return new SessionException("bad_request", message);
  }
}
