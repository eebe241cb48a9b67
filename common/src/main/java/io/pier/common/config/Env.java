package io.pier.common.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads a service's settings from environment variables, collecting every problem so that a misconfigured
 * service fails at start with one readable message instead of a stack trace later.
 */
public final class Env {
  private static final int MIN_SECRET = 16;
  private final Map<String, String> vars;
  private final List<String> problems = new ArrayList<>();

  public Env(Map<String, String> vars) {
    this.vars = vars;
  }

  public static Env system() {
    return new Env(System.getenv());
  }

  public String string(String name, String fallback) {
    String value = vars.get(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  /** A setting without a default; a missing value is recorded as a problem. */
  public String required(String name) {
    String value = string(name, null);
    if (value == null) problems.add(name + " is required");
    return value;
  }

  /**
   * A shared secret: required, and long enough that guessing it is hopeless. It may be a comma-separated list (the
   * current secret first, then previous ones still accepted during a rotation); each part must be long enough.
   */
  public String secret(String name) {
    String value = required(name);
    if (value == null) return null;
    for (String part : value.split(",", -1)) {
      if (part.trim().length() < MIN_SECRET) {
        problems.add(
            name
                + " must have at least "
                + MIN_SECRET
                + " characters"
                + (value.contains(",") ? " in each comma-separated part" : "")
                + " (e.g. openssl rand -hex 32)");
        break;
      }
    }
    return value;
  }

  /**
   * An absolute URL with a scheme and a host, such as {@code http://pier.localhost:8080}; null when it is not set and
   * {@code fallback} is null, or when it is not such a URL (then a problem).
   */
  public URI url(String name, String fallback) {
    String value = string(name, fallback);
    if (value == null) return null;
    try {
      URI uri = URI.create(value);
      if (uri.getScheme() != null && uri.getHost() != null) return uri;
    } catch (IllegalArgumentException e) {
      // reported below
    }
    problems.add(name + " must be a URL such as http://pier.localhost:8080, got '" + value + "'");
    return null;
  }

  /** One of {@code allowed}, case-insensitive, as written there; a typo is a problem, not a silent default. */
  public String choice(String name, String fallback, String... allowed) {
    String value = string(name, fallback);
    for (String option : allowed) {
      if (option.equalsIgnoreCase(value)) return option;
    }
    problems.add(name + " must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
    return fallback;
  }

  /** An integer of at least {@code min}. */
  public int atLeast(String name, int fallback, int min) {
    int value = integer(name, fallback);
    if (value < min) problems.add(name + " must be at least " + min + ", got " + value);
    return value;
  }

  public int port(String name, int fallback) {
    int port = integer(name, fallback);
    if (port < 0 || port > 65535)
      problems.add(name + " must be a port number 0..65535, got " + port);
    return port;
  }

  public int integer(String name, int fallback) {
    return parsed(name, fallback, Integer::valueOf, "an integer");
  }

  public double decimal(String name, double fallback) {
    return parsed(name, fallback, Double::valueOf, "a number");
  }

  /** The variable as {@code parse} reads it; a value it refuses is a problem ("must be {@code what}"): the fallback. */
  private <T> T parsed(String name, T fallback, Function<String, T> parse, String what) {
    String value = string(name, null);
    if (value == null) return fallback;
    try {
      return parse.apply(value);
    } catch (NumberFormatException e) {
      problems.add(name + " must be " + what + ", got '" + value + "'");
      return fallback;
    }
  }

  public Path path(String name, String fallback) {
    return Path.of(string(name, fallback)).toAbsolutePath().normalize();
  }

  public List<String> list(String name, String fallback) {
    return List.of(string(name, fallback).split("\\s*,\\s*")).stream()
        .filter(s -> !s.isEmpty())
        .toList();
  }

  /** Records a problem found while checking values together. */
  public void problem(String message) {
    problems.add(message);
  }

  /** @throws ConfigException listing every problem found so far */
  public void check() {
    if (!problems.isEmpty()) throw new ConfigException(String.join("; ", problems));
  }
}
