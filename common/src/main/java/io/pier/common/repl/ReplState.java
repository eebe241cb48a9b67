package io.pier.common.repl;

import java.util.Locale;

/**
 * Lifecycle states of a repl. The scheduler is the only writer; every other part only reads them.
 *
 * <pre>
 * CREATING ──▶ STOPPED ──start──▶ STARTING ──ok──▶ RUNNING ──stop──▶ STOPPING ──▶ STOPPED
 *                                     └──error──▶ FAILED ──start──▶ STARTING
 * </pre>
 */
public enum ReplState {
  CREATING,
  STOPPED,
  STARTING,
  RUNNING,
  STOPPING,
  FAILED;

  /** True while a transition is under way; another one must wait for it. */
  public boolean isBusy() {
    return this == CREATING || this == STARTING || this == STOPPING;
  }

  /** The lower-case name used in JSON and URLs. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the JSON form; unknown values are an error, not a default. */
  public static ReplState fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
