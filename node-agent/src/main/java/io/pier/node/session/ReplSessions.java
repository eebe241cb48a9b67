package io.pier.node.session;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** The IDE sessions connected to one repl. Changed on the repl's context; the count is readable from any thread. */
final class ReplSessions {
  private final Set<SessionSocket> sessions = new LinkedHashSet<>();
  private final Collection<SessionSocket> view = Collections.unmodifiableSet(sessions);

  /** Kept in step with the set, for the metrics. */
  private final AtomicInteger count = new AtomicInteger();

  void add(SessionSocket session) {
    sessions.add(session);
    count.set(sessions.size());
  }

  /** @return false if {@code session} was not here */
  boolean remove(SessionSocket session) {
    if (!sessions.remove(session)) return false;
    count.set(sessions.size());
    return true;
  }

  int count() {
    return count.get();
  }

  /** The sessions now, as the readers of a stream every session shows (the run process's output). */
  Collection<SessionSocket> readers() {
    return view;
  }

  void broadcast(JsonObject event) {
    // A copy: a session that falls too far behind leaves the set while it is written to.
    for (SessionSocket s : List.copyOf(sessions)) s.sendEvent(event);
  }

  void sendBinary(int channel, byte[] data) {
    for (SessionSocket s : List.copyOf(sessions)) s.sendBinary(channel, data);
  }

  /** Closes every session and forgets them all. */
  void closeAll(short code, String reason) {
    for (SessionSocket s : new ArrayList<>(sessions)) s.close(code, reason);
    sessions.clear();
    count.set(0);
  }
}
