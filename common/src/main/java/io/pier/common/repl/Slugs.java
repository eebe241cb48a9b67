package io.pier.common.repl;

import java.security.SecureRandom;
import java.util.List;

/**
 * Repl slugs: the name a repl has in URLs ({@code <slug>.<domain>}) and in storage keys. A slug is one DNS label,
 * lower case, so it is safe in a host name, an S3 key and a container name alike.
 */
public final class Slugs {
  private static final List<String> ADJECTIVES =
      List.of(
          "amber", "brave", "calm", "deft", "eager", "fair", "gentle", "happy", "icy", "jolly",
          "keen", "lucid", "merry", "neat", "odd", "proud", "quick", "rapid", "sunny", "tidy",
          "vivid", "witty", "young", "zesty");
  private static final List<String> NOUNS =
      List.of(
          "otter", "falcon", "maple", "harbor", "comet", "lynx", "cedar", "delta", "ember", "fjord",
          "heron", "iris", "koala", "lagoon", "meadow", "nebula", "orca", "pier", "quartz", "river",
          "summit", "tundra", "willow", "yak");

  private final SecureRandom random;

  public Slugs(SecureRandom random) {
    this.random = random;
  }

  /** A fresh, readable, hard-to-guess slug such as {@code brave-otter-3f9a2c}. */
  public String next() {
    return ADJECTIVES.get(random.nextInt(ADJECTIVES.size()))
        + "-"
        + NOUNS.get(random.nextInt(NOUNS.size()))
        + "-"
        + String.format("%06x", random.nextInt(1 << 24));
  }

  /** True when {@code slug} is a single lower-case DNS label. */
  public static boolean isValid(String slug) {
    // Checked by hand rather than by a regular expression: the edge asks this of every request's
    // Host.
    if (slug == null || slug.isEmpty() || slug.length() > 63) return false;
    if (slug.charAt(0) == '-' || slug.charAt(slug.length() - 1) == '-') return false;
    for (int i = 0; i < slug.length(); i++) {
      char c = slug.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) return false;
    }
    return true;
  }
}
