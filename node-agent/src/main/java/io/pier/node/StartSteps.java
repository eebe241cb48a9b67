package io.pier.node;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Times each step of a repl's start on this node ({@code pier.node.repl.start.step{step=...}}), so that an operator
 * (and bench/run.sh) sees where a start's time goes, beside the whole start ({@code pier.node.repl.start}).
 */
final class StartSteps {
  /** The steps of a start, in order; {@link #RESTORE} and {@link #SANDBOX} run at once. */
  enum Step {
    /** Removing what an earlier run of the slug left: sandboxes, workspace, handle, journal. */
    CLEAR,
    /** Making the workspace (a filesystem of its own, or a folder). */
    WORKSPACE,
    /**
     * Downloading the repl's files from storage into the workspace. Overlaps {@link #SANDBOX}: both run at once, so
     * their times add up to more than the start spent on them.
     */
    RESTORE,
    /**
     * Creating and starting the sandbox, and keeping its handle (cold), or waiting, after the restore, for a spare to
     * be made the repl's (warm). Overlaps {@link #RESTORE}.
     */
    SANDBOX,
    /** The write-behind queue and the watcher around the sandbox. */
    ATTACH,
    /** Starting the run command in the sandbox. */
    RUN,
    /** Waiting until the app answers HTTP. */
    PROBE,
    /** Publishing the route. */
    ROUTE;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Map<Step, Timer> timers = new EnumMap<>(Step.class);

  StartSteps(MeterRegistry metrics) {
    for (Step step : Step.values()) {
      timers.put(
          step,
          Timer.builder("pier.node.repl.start.step")
              .description("Time a repl's start spends in one step on this node")
              .tag("step", step.tag())
              .register(metrics));
    }
  }

  /** Runs {@code work} as the step, timing it whether it succeeds or not. */
  <T> T time(Step step, Supplier<T> work) {
    long began = System.nanoTime();
    try {
      return work.get();
    } finally {
      record(step, began);
    }
  }

  /** Runs {@code work} as the step, timing it whether it succeeds or not. */
  void time(Step step, Runnable work) {
    long began = System.nanoTime();
    try {
      work.run();
    } finally {
      record(step, began);
    }
  }

  /** Records a step that began at {@code beganNanos} ({@link System#nanoTime()}) and ends now. */
  void record(Step step, long beganNanos) {
    timers.get(step).record(System.nanoTime() - beganNanos, TimeUnit.NANOSECONDS);
  }
}
