package io.pier.node.exec;

import io.pier.common.http.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The processes of one repl: every one that runs (waited for, streamed or in the background) and the background ones
 * that ended, kept a while for their exit code and output. Bounded both ways: a start beyond the running bound is
 * refused (429), and ended ones go oldest first beyond their bound or after their time. Thread-safe.
 */
final class ReplProcesses {
  private final ExecLimits limits;
  private final Clock clock;
  private final Map<String, ExecProcess> processes = new LinkedHashMap<>();

  ReplProcesses(ExecLimits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * Takes a new process in, counted as running until it ends.
   *
   * @throws ApiException 429 when the repl runs as many as it may
   */
  synchronized void admit(ExecProcess process) {
    if (running() >= limits.runningPerRepl()) {
      throw new ApiException(
          429,
          "too_many_processes",
          "this repl runs "
              + limits.runningPerRepl()
              + " processes already, the most it may; wait for one or kill one (DELETE .../processes/<id>)");
    }
    processes.put(process.id(), process);
  }

  /** {@code process} ended: a waited-for or streamed one leaves the list, a background one stays a while. */
  synchronized List<ExecProcess> ended(ExecProcess process) {
    if (!process.request().background()) processes.remove(process.id());
    return trim();
  }

  /** Takes an ended process off the list. */
  synchronized void remove(ExecProcess process) {
    if (!process.running() && processes.remove(process.id(), process)) {
      if (process.output() instanceof OutputRing ring) ring.discard();
    }
  }

  synchronized Optional<ExecProcess> get(String id) {
    trim();
    return Optional.ofNullable(processes.get(id));
  }

  /** Every process listed, oldest first. */
  synchronized List<ExecProcess> list() {
    trim();
    return List.copyOf(processes.values());
  }

  synchronized int running() {
    int n = 0;
    for (ExecProcess p : processes.values()) if (p.running()) n++;
    return n;
  }

  /** True when nothing is running or kept: the table may go. */
  synchronized boolean empty() {
    trim();
    return processes.isEmpty();
  }

  /** Drops ended processes past their time, then the oldest past the bound. @return those dropped */
  private List<ExecProcess> trim() {
    List<ExecProcess> dropped = new ArrayList<>();
    Instant oldest = clock.instant().minus(limits.finishedFor());
    int finished = 0;
    for (ExecProcess p : processes.values()) if (!p.running()) finished++;
    Iterator<ExecProcess> it = processes.values().iterator();
    while (it.hasNext()) {
      ExecProcess p = it.next();
      if (p.running()) continue;
      if (finished > limits.finishedKept() || p.endedAt().isBefore(oldest)) {
        it.remove();
        finished--;
        dropped.add(p);
      }
    }
    for (ExecProcess p : dropped) if (p.output() instanceof OutputRing ring) ring.discard();
    return dropped;
  }
}
