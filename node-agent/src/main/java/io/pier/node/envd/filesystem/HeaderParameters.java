package io.pier.node.envd.filesystem;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters of a header value such as {@code multipart/form-data; boundary=x} or
 * {@code form-data; name="file"; filename="/home/user/a \"b\".txt"} (RFC 9110 tokens and quoted strings with
 * backslash escapes). Names are lower-cased; the first of a repeated name counts; {@code name*} (RFC 8187) values are
 * not decoded and stay under their own name. The value before the first {@code ;} is {@link #TYPE}, lower-cased.
 */
final class HeaderParameters {
  /** The key of what precedes the parameters (the media type, the disposition). */
  static final String TYPE = "";

  private HeaderParameters() {}

  static Map<String, String> of(String header) {
    Map<String, String> parameters = new HashMap<>();
    int at = header.indexOf(';');
    parameters.put(
        TYPE, (at < 0 ? header : header.substring(0, at)).strip().toLowerCase(Locale.ROOT));
    int i = at < 0 ? header.length() : at + 1;
    while (i < header.length()) {
      int equals = header.indexOf('=', i);
      int semicolon = header.indexOf(';', i);
      if (equals < 0 || (semicolon >= 0 && semicolon < equals)) {
        // A parameter without a value: skipped.
        i = semicolon < 0 ? header.length() : semicolon + 1;
        continue;
      }
      String name = header.substring(i, equals).strip().toLowerCase(Locale.ROOT);
      int j = equals + 1;
      while (j < header.length() && header.charAt(j) == ' ') j++;
      StringBuilder value = new StringBuilder();
      if (j < header.length() && header.charAt(j) == '"') {
        j++;
        while (j < header.length() && header.charAt(j) != '"') {
          char c = header.charAt(j);
          if (c == '\\' && j + 1 < header.length()) c = header.charAt(++j);
          value.append(c);
          j++;
        }
        j++; // the closing quote
        int next = header.indexOf(';', Math.min(j, header.length()));
        i = next < 0 ? header.length() : next + 1;
      } else {
        int end = header.indexOf(';', j);
        value.append(header, j, end < 0 ? header.length() : end);
        i = end < 0 ? header.length() : end + 1;
        String trimmed = value.toString().strip();
        value.setLength(0);
        value.append(trimmed);
      }
      if (!name.isEmpty()) parameters.putIfAbsent(name, value.toString());
    }
    return parameters;
  }
}
