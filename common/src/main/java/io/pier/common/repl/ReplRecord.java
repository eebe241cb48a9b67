package io.pier.common.repl;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Everything the platform knows about one repl. Kept in the cluster registry and, without the run-time fields
 * ({@code state}, {@code nodeId}), in {@code repls/<slug>/repl.json} so the registry survives a full restart.
 *
 * @param nodeId     the node-agent the repl runs on, or null when it runs nowhere
 * @param visibility who may open its preview; a record stored before previews could be private reads as public
 */
public record ReplRecord(
    String slug,
    String template,
    String owner,
    ReplState state,
    String nodeId,
    Instant createdAt,
    Instant lastActiveAt,
    Limits limits,
    Visibility visibility) {

  public ReplRecord {
    if (visibility == null) visibility = Visibility.PUBLIC;
  }

  /** A record with a public preview. */
  public ReplRecord(
      String slug,
      String template,
      String owner,
      ReplState state,
      String nodeId,
      Instant createdAt,
      Instant lastActiveAt,
      Limits limits) {
    this(slug, template, owner, state, nodeId, createdAt, lastActiveAt, limits, Visibility.PUBLIC);
  }

  public ReplRecord withState(ReplState newState, String newNodeId, Instant now) {
    return new ReplRecord(
        slug, template, owner, newState, newNodeId, createdAt, now, limits, visibility);
  }

  public ReplRecord withVisibility(Visibility newVisibility) {
    return new ReplRecord(
        slug, template, owner, state, nodeId, createdAt, lastActiveAt, limits, newVisibility);
  }

  public boolean isPrivate() {
    return visibility == Visibility.PRIVATE;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("slug", slug)
        .put("template", template)
        .put("owner", owner)
        .put("state", state.wire())
        .put("node", nodeId)
        .put("createdAt", createdAt.toString())
        .put("lastActiveAt", lastActiveAt.toString())
        .put("limits", limits.toJson())
        .put("visibility", visibility.wire());
  }

  /** The durable part, as stored in {@code repl.json}. */
  public JsonObject toStoredJson() {
    JsonObject json = toJson();
    json.remove("state");
    json.remove("node");
    return json;
  }

  /** Reads both forms; a stored record without run-time fields reads as stopped. */
  public static ReplRecord fromJson(JsonObject json) {
    String state = json.getString("state");
    String visibility = json.getString("visibility");
    return new ReplRecord(
        json.getString("slug"),
        json.getString("template"),
        json.getString("owner"),
        state == null ? ReplState.STOPPED : ReplState.fromWire(state),
        json.getString("node"),
        Instant.parse(json.getString("createdAt")),
        Instant.parse(json.getString("lastActiveAt")),
        Limits.fromJson(json.getJsonObject("limits")),
        visibility == null ? Visibility.PUBLIC : Visibility.fromWire(visibility));
  }
}
