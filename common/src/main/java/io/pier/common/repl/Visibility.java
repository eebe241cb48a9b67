package io.pier.common.repl;

import java.util.Locale;

/** Who may open a repl's preview: anyone with the link, or only its owner (and administrators), signed in. */
public enum Visibility {
  PUBLIC,
  PRIVATE;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** @throws IllegalArgumentException for anything but {@code public} or {@code private} */
  public static Visibility fromWire(String wire) {
    if ("public".equals(wire)) return PUBLIC;
    if ("private".equals(wire)) return PRIVATE;
    throw new IllegalArgumentException("visibility must be \"public\" or \"private\", got " + wire);
  }
}
