package io.pier.node.envd.filesystem;

import io.pier.node.envd.filesystem.EnvdPaths.EnvdPath;
import io.pier.node.session.FileChange;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The workspace watcher's changes as {@code filesystem.FilesystemEvent}s of one watched folder: {@code name} is the
 * path relative to the folder, a change is {@code EVENT_TYPE_CREATE}, {@code EVENT_TYPE_WRITE} or
 * {@code EVENT_TYPE_REMOVE} (a rename is seen as a removal and a creation, a permission change not at all). Without
 * {@code recursive}, only the folder's own entries count, as with envd's watch of one folder.
 */
final class WatchEvents {
  static final String CREATE = "EVENT_TYPE_CREATE";
  static final String WRITE = "EVENT_TYPE_WRITE";
  static final String REMOVE = "EVENT_TYPE_REMOVE";

  private final EnvdPath folder;
  private final boolean recursive;

  WatchEvents(EnvdPath folder, boolean recursive) {
    this.folder = folder;
    this.recursive = recursive;
  }

  List<JsonObject> of(List<FileChange> changes) {
    List<JsonObject> events = new ArrayList<>();
    for (FileChange change : changes) {
      if (!folder.isAbove(change.path())) continue;
      String name = folder.nameOf(change.path());
      if (!recursive && name.indexOf('/') >= 0) continue;
      events.add(new JsonObject().put("name", name).put("type", type(change.kind())));
    }
    return events;
  }

  static String type(String kind) {
    return switch (kind) {
      case "created" -> CREATE;
      case "deleted" -> REMOVE;
      default -> WRITE;
    };
  }
}
