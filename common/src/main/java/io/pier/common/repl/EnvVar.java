package io.pier.common.repl;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * One of a repl's environment variables, given to its run command, terminals and commands run through the API. A
 * secret's value is never shown again once set (the API lists its name only).
 */
public record EnvVar(String name, String value, boolean secret, Instant updatedAt) {
  public static final int MAX_VARS = 100;
  public static final int MAX_VALUE_BYTES = 8 * 1024;
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  /**
   * @throws IllegalArgumentException unless a shell variable name of at most 128 characters that does not start with
   *     {@code PIER_} (Pier's own)
   */
  public static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "'"
              + name
              + "' is not a variable name: letters, digits and '_', not starting with a digit, "
              + "at most 128");
    }
    if (name.startsWith("PIER_")) {
      throw new IllegalArgumentException("names starting with PIER_ are Pier's own");
    }
  }

  /** @throws IllegalArgumentException for a value over 8 KiB or with a NUL character */
  public static void checkValue(String value) {
    if (value == null
        || value.indexOf('\0') >= 0
        || value.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
      throw new IllegalArgumentException(
          "a value is a string of at most " + MAX_VALUE_BYTES + " bytes without NUL characters");
    }
  }
}
