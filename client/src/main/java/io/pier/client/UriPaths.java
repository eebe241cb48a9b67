package io.pier.client;

import java.nio.charset.StandardCharsets;

/** Percent-encoding of names put into request paths and queries, so that no name can change which route is asked. */
final class UriPaths {
  private static final String UNRESERVED =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

  private UriPaths() {}

  /** One path segment or query value: everything but unreserved characters is encoded, {@code /} included. */
  static String segment(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c < 128 && UNRESERVED.indexOf(c) >= 0) out.append(c);
      else out.append('%').append(String.format("%02X", b & 0xff));
    }
    return out.toString();
  }

  /** A relative path in a repl: each segment encoded, {@code /} kept between them, leading ones dropped. */
  static String path(String path) {
    StringBuilder out = new StringBuilder();
    for (String part : path.split("/", -1)) {
      if (part.isEmpty()) continue;
      if (out.length() > 0) out.append('/');
      out.append(segment(part));
    }
    return out.toString();
  }
}
