package io.pier.common.repl;

/**
 * What an owner may call a repl: a title of at most {@value #MAX_TITLE} characters on one line, and a description of
 * at most {@value #MAX_DESCRIPTION} characters. Both are trimmed; blank means none. Control characters (but a
 * description's line breaks and tabs) are refused, as the names are shown in pages and terminals.
 */
public final class ReplNames {
  public static final int MAX_TITLE = 80;
  public static final int MAX_DESCRIPTION = 500;

  private ReplNames() {}

  /**
   * @return the trimmed title, or null for none
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static String title(String value) {
    return check("title", value, MAX_TITLE, false);
  }

  /**
   * @return the trimmed description, or null for none
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static String description(String value) {
    return check("description", value, MAX_DESCRIPTION, true);
  }

  private static String check(String field, String value, int max, boolean multiline) {
    if (value == null) return null;
    String trimmed = value.strip();
    if (trimmed.isEmpty()) return null;
    int length = trimmed.codePointCount(0, trimmed.length());
    if (length > max) {
      throw new IllegalArgumentException(
          "\"" + field + "\" is " + length + " characters; at most " + max + " are allowed");
    }
    for (int i = 0; i < trimmed.length(); i++) {
      char c = trimmed.charAt(i);
      boolean allowedBreak = multiline && (c == '\n' || c == '\t' || c == '\r');
      if (Character.isISOControl(c) && !allowedBreak) {
        throw new IllegalArgumentException(
            "\""
                + field
                + "\" may not contain control characters"
                + (multiline ? " (line breaks and tabs are fine)" : " or line breaks"));
      }
    }
    return trimmed;
  }
}
