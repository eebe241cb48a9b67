package io.pier.node.envd.filesystem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pier.node.session.FileChange;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchEventsTest {
  private static final List<FileChange> CHANGES =
      List.of(
          new FileChange("src", "dir", "modified", null),
          new FileChange("src/a.js", "file", "created", "v1"),
          new FileChange("src/lib/b.js", "file", "modified", "v2"),
          new FileChange("src/old.js", "file", "deleted", null),
          new FileChange("srcx/c.js", "file", "created", "v3"),
          new FileChange("top.txt", "file", "created", "v4"));

  @Test
  void aFolderHearsOfItsOwnEntriesNamedRelativeToIt() {
    assertEquals(
        List.of(event("a.js", "EVENT_TYPE_CREATE"), event("old.js", "EVENT_TYPE_REMOVE")),
        new WatchEvents(EnvdPaths.resolve("/home/user/src"), false).of(CHANGES));
  }

  @Test
  void recursivelyItHearsOfEverythingBelowIt() {
    assertEquals(
        List.of(
            event("a.js", "EVENT_TYPE_CREATE"),
            event("lib/b.js", "EVENT_TYPE_WRITE"),
            event("old.js", "EVENT_TYPE_REMOVE")),
        new WatchEvents(EnvdPaths.resolve("/workspace/src"), true).of(CHANGES));
  }

  @Test
  void theWorkspaceRootHearsOfItsTopLevel() {
    assertEquals(
        List.of(event("src", "EVENT_TYPE_WRITE"), event("top.txt", "EVENT_TYPE_CREATE")),
        new WatchEvents(EnvdPaths.resolve("/home/user"), false).of(CHANGES));
  }

  private static JsonObject event(String name, String type) {
    return new JsonObject().put("name", name).put("type", type);
  }
}
