package io.pier.node.session;

import static io.pier.node.session.RequestFields.bad;

import io.vertx.core.json.JsonObject;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What {@code fs.search} looks for: literal text by default, or a regular expression; case-sensitive unless asked
 * otherwise. The pattern's length is bounded, and a regular expression is matched against text that gives up at the
 * search's deadline, so a pattern that backtracks without end cannot hold a file thread.
 */
record SearchQuery(Pattern pattern, boolean literal) {
  static final int MAX_PATTERN_CHARS = 256;

  static SearchQuery of(String query, boolean regex, boolean caseSensitive) {
    if (query.isEmpty()) throw bad("\"query\" must not be empty");
    if (query.length() > MAX_PATTERN_CHARS)
      throw bad("\"query\" is longer than " + MAX_PATTERN_CHARS + " characters");
    int flags = caseSensitive ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    try {
      return new SearchQuery(Pattern.compile(regex ? query : Pattern.quote(query), flags), !regex);
    } catch (PatternSyntaxException e) {
      throw bad("\"query\" is not a valid regular expression: " + e.getDescription());
    }
  }

  static SearchQuery of(JsonObject r) {
    return of(
        RequestFields.text(r, "query"), flag(r, "regex", false), flag(r, "caseSensitive", true));
  }

  /** A matcher over one line that throws {@link SearchDeadline.Passed} once the deadline has passed. */
  Matcher matcher(String line, SearchDeadline deadline) {
    return pattern.matcher(new DeadlineText(line, deadline));
  }

  /** False when a file cannot hold a match: one pass over a literal's whole text saves a matcher per line. */
  boolean mayMatch(String text, SearchDeadline deadline) {
    return !literal || pattern.matcher(new DeadlineText(text, deadline)).find();
  }

  private static boolean flag(JsonObject r, String key, boolean fallback) {
    Object value = r.getValue(key);
    if (value == null) return fallback;
    if (!(value instanceof Boolean b)) throw bad("\"" + key + "\" must be true or false");
    return b;
  }

  /** Text that checks the deadline now and then as the regex engine reads it. */
  private record DeadlineText(String text, SearchDeadline deadline) implements CharSequence {
    @Override
    public int length() {
      return text.length();
    }

    @Override
    public char charAt(int index) {
      deadline.tick();
      return text.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new DeadlineText(text.substring(start, end), deadline);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
