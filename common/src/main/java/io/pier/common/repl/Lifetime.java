package io.pier.common.repl;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * How long a repl may run, for repls made by programs (a CI job, an agent) that may forget them: after each start, or
 * from the moment the timeout was last set, whichever is later, the scheduler stops it, and deletes it if asked.
 *
 * @param timeout   how long it may run after a start or after the timeout is set
 * @param deadline  when the timeout was last set, plus the timeout
 * @param onTimeout stop it, or delete it (a stopped repl past its deadline is deleted too)
 */
public record Lifetime(Duration timeout, Instant deadline, OnTimeout onTimeout) {
  /** The longest timeout a repl may have: 30 days. */
  public static final Duration MAX_TIMEOUT = Duration.ofDays(30);

  public enum OnTimeout {
    STOP,
    DELETE;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything but {@code stop} or {@code delete} */
    public static OnTimeout fromWire(String wire) {
      if ("stop".equals(wire)) return STOP;
      if ("delete".equals(wire)) return DELETE;
      throw new IllegalArgumentException(
          "\"onTimeout\" must be \"stop\" or \"delete\", got " + wire);
    }
  }

  /** A lifetime set now. @throws IllegalArgumentException for a timeout under 1 s or over {@link #MAX_TIMEOUT} */
  public static Lifetime startingAt(Instant now, Duration timeout, OnTimeout onTimeout) {
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          "\"timeoutS\" must be between 1 and " + MAX_TIMEOUT.toSeconds() + " seconds");
    }
    return new Lifetime(timeout, now.plus(timeout), onTimeout);
  }

  /**
   * Whether the repl is past its lifetime now: the later of the deadline and its last start ({@code lastActiveAt} of
   * a running repl) plus the timeout has passed.
   */
  public boolean expired(ReplRecord repl, Instant now) {
    Instant end = deadline;
    if (repl.state() == ReplState.RUNNING) {
      Instant sinceStart = repl.lastActiveAt().plus(timeout);
      if (sinceStart.isAfter(end)) end = sinceStart;
    }
    return !now.isBefore(end);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("timeoutS", timeout.toSeconds())
        .put("deadline", deadline.toString())
        .put("onTimeout", onTimeout.wire());
  }

  public static Lifetime fromJson(JsonObject json) {
    return new Lifetime(
        Duration.ofSeconds(json.getLong("timeoutS")),
        Instant.parse(json.getString("deadline")),
        OnTimeout.fromWire(json.getString("onTimeout")));
  }
}
