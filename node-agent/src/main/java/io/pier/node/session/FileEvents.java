package io.pier.node.session;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A repl's {@code fs} events: changes its sessions made, and changes its {@link WorkspaceWatcher} saw that no session
 * announced already. On the repl's context.
 */
final class FileEvents {
  /** How many paths' announced versions are remembered, at most. */
  private static final int REMEMBERED = 1000;

  private final ReplSessions sessions;

  /** Versions this node announced itself, so the watcher does not announce the same change again. */
  private final Map<String, String> announced = new LinkedHashMap<>();

  FileEvents(ReplSessions sessions) {
    this.sessions = sessions;
  }

  /** Sends a change made by {@code origin} (a session) to every session, and remembers it. */
  void announce(List<FileChange> changes, SessionSocket origin) {
    for (FileChange c : changes) announced.put(c.path(), fingerprint(c));
    while (announced.size() > REMEMBERED) announced.remove(announced.keySet().iterator().next());
    sessions.broadcast(fsEvent(changes, origin == null ? null : origin.id()));
  }

  /** Forwards changes seen in the workspace, less those sessions made and this node announced already. */
  void workspaceChanged(List<FileChange> changes) {
    List<FileChange> fresh = new ArrayList<>();
    for (FileChange c : changes) {
      if (!fingerprint(c).equals(announced.remove(c.path()))) fresh.add(c);
    }
    if (!fresh.isEmpty()) sessions.broadcast(fsEvent(fresh, null));
  }

  private static String fingerprint(FileChange c) {
    return c.kind().equals("deleted") ? "deleted" : c.type() + ":" + c.version();
  }

  private static JsonObject fsEvent(List<FileChange> changes, String origin) {
    JsonObject event =
        new JsonObject()
            .put("event", "fs")
            .put("changes", new JsonArray(changes.stream().map(FileChange::toJson).toList()));
    if (origin != null) event.put("origin", origin);
    return event;
  }
}
