package io.pier.node.session;

import io.vertx.core.json.JsonObject;

/**
 * One change to a workspace path, as sent in {@code fs} events.
 *
 * @param type    "file" or "dir"
 * @param kind    "created", "modified" or "deleted"
 * @param version the file's new version; null for folders, deletions and files too large to version
 */
public record FileChange(String path, String type, String kind, String version) {
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("path", path).put("type", type).put("kind", kind);
    if (version != null) json.put("version", version);
    return json;
  }
}
