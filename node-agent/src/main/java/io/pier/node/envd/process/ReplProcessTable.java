package io.pier.node.envd.process;

import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.envd.process.ProcessRequests.Selector;
import java.util.ArrayList;
import java.util.List;

/**
 * The processes of one repl started through the in-sandbox API, while they run (an ended one leaves, as in envd).
 * Bounded: a start beyond {@code limit} running is refused with {@code resource_exhausted}. Thread-safe.
 */
final class ReplProcessTable {
  private final int limit;
  private final List<EnvdProcess> processes = new ArrayList<>();

  ReplProcessTable(int limit) {
    this.limit = limit;
  }

  synchronized void admit(EnvdProcess process) {
    if (processes.size() >= limit) {
      throw new ConnectException(
          ConnectCode.RESOURCE_EXHAUSTED,
          "this sandbox runs "
              + limit
              + " processes started through its API already, the most it may; wait for one or kill one");
    }
    processes.add(process);
  }

  synchronized void remove(EnvdProcess process) {
    processes.remove(process);
  }

  /**
   * The running process {@code selector} names (by pid, or the first with the tag).
   *
   * @throws ConnectException {@code not_found}
   */
  synchronized EnvdProcess find(Selector selector) {
    for (EnvdProcess p : processes) {
      if (!p.running()) continue;
      if (selector.tag() != null
          ? selector.tag().equals(p.spec().tag())
          : p.pid() == selector.pid()) {
        return p;
      }
    }
    throw new ConnectException(ConnectCode.NOT_FOUND, "process with " + selector + " not found");
  }

  /** The running ones whose pid is known, oldest first. */
  synchronized List<EnvdProcess> list() {
    List<EnvdProcess> known = new ArrayList<>();
    for (EnvdProcess p : processes) if (p.running() && p.pid() > 0) known.add(p);
    return known;
  }

  synchronized int size() {
    return processes.size();
  }
}
