package io.pier.client.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people type them: {@code 90s}, {@code 30m}, {@code 2h}, {@code 7d}, or plain seconds. */
final class Durations {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})([smhd]?)");

  private Durations() {}

  static Duration parse(String text) {
    Matcher m = DURATION.matcher(text.strip());
    if (!m.matches())
      throw new UsageError("not a duration: " + text + " (use e.g. 90s, 30m, 2h or 7d)");
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofSeconds(n);
    };
  }
}
