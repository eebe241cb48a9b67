package io.pier.node.session;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Those that hear of a repl's workspace changes besides its IDE sessions (the programs' API watch streams), until the
 * repl stops. On the repl's context.
 */
final class ChangeListeners {
  private final Set<LiveRepl.ChangeListener> listeners = new LinkedHashSet<>();
  private boolean ended;

  /** @return false once the repl stopped, when nothing is added */
  boolean add(LiveRepl.ChangeListener listener) {
    if (ended) return false;
    listeners.add(listener);
    return true;
  }

  void remove(LiveRepl.ChangeListener listener) {
    listeners.remove(listener);
  }

  /** Tells each of {@code changes}; one may leave while told (a copy is walked). */
  void changed(List<FileChange> changes) {
    for (LiveRepl.ChangeListener listener : List.copyOf(listeners)) listener.changed(changes);
  }

  /** Tells each that the repl stopped, and forgets them all; no more are taken. */
  void end() {
    ended = true;
    for (LiveRepl.ChangeListener listener : List.copyOf(listeners)) listener.ended();
    listeners.clear();
  }
}
