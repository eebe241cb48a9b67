package io.pier.common.repl;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;

/**
 * Everything the platform knows about one repl. Kept in the cluster registry and, without the run-time fields
 * ({@code state}, {@code nodeId}), in {@code repls/<slug>/repl.json} so the registry survives a full restart.
 *
 * @param nodeId     the node-agent the repl runs on, or null when it runs nowhere
 * @param visibility who may open its preview; a record stored before previews could be private reads as public
 * @param labels     names and values its owner gave it to find it again ({@link Labels}); never null
 * @param lifetime   how long it may run before the scheduler stops (or deletes) it; null: as long as it is used
 * @param lastActiveAt when it was last started, stopped or used (an IDE session, an API call on it); moved at most
 *                     about once a minute by use
 * @param title       the name its owner gave it ({@link ReplNames}); null: none, it goes by its slug
 * @param description what its owner says it is ({@link ReplNames}); null: none
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
    Visibility visibility,
    Map<String, String> labels,
    Lifetime lifetime,
    String title,
    String description) {

  public ReplRecord {
    if (visibility == null) visibility = Visibility.PUBLIC;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** A record without a title or description. */
  public ReplRecord(
      String slug,
      String template,
      String owner,
      ReplState state,
      String nodeId,
      Instant createdAt,
      Instant lastActiveAt,
      Limits limits,
      Visibility visibility,
      Map<String, String> labels,
      Lifetime lifetime) {
    this(
        slug,
        template,
        owner,
        state,
        nodeId,
        createdAt,
        lastActiveAt,
        limits,
        visibility,
        labels,
        lifetime,
        null,
        null);
  }

  /** A record without labels or lifetime. */
  public ReplRecord(
      String slug,
      String template,
      String owner,
      ReplState state,
      String nodeId,
      Instant createdAt,
      Instant lastActiveAt,
      Limits limits,
      Visibility visibility) {
    this(
        slug,
        template,
        owner,
        state,
        nodeId,
        createdAt,
        lastActiveAt,
        limits,
        visibility,
        Map.of(),
        null);
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
        slug,
        template,
        owner,
        newState,
        newNodeId,
        createdAt,
        now,
        limits,
        visibility,
        labels,
        lifetime,
        title,
        description);
  }

  public ReplRecord withVisibility(Visibility newVisibility) {
    return new ReplRecord(
        slug,
        template,
        owner,
        state,
        nodeId,
        createdAt,
        lastActiveAt,
        limits,
        newVisibility,
        labels,
        lifetime,
        title,
        description);
  }

  public ReplRecord withLabels(Map<String, String> newLabels) {
    return new ReplRecord(
        slug,
        template,
        owner,
        state,
        nodeId,
        createdAt,
        lastActiveAt,
        limits,
        visibility,
        newLabels,
        lifetime,
        title,
        description);
  }

  /** @param newLifetime null: no timeout */
  public ReplRecord withLifetime(Lifetime newLifetime) {
    return new ReplRecord(
        slug,
        template,
        owner,
        state,
        nodeId,
        createdAt,
        lastActiveAt,
        limits,
        visibility,
        labels,
        newLifetime,
        title,
        description);
  }

  /** @param newTitle null: none; @param newDescription null: none */
  public ReplRecord withNames(String newTitle, String newDescription) {
    return new ReplRecord(
        slug,
        template,
        owner,
        state,
        nodeId,
        createdAt,
        lastActiveAt,
        limits,
        visibility,
        labels,
        lifetime,
        newTitle,
        newDescription);
  }

  /** The record as last used at {@code when}. */
  public ReplRecord withLastActive(Instant when) {
    return new ReplRecord(
        slug,
        template,
        owner,
        state,
        nodeId,
        createdAt,
        when,
        limits,
        visibility,
        labels,
        lifetime,
        title,
        description);
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
        .put("visibility", visibility.wire())
        .put("labels", Labels.toJson(labels))
        .put("lifetime", lifetime == null ? null : lifetime.toJson())
        .put("title", title)
        .put("description", description);
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
    JsonObject labels = json.getJsonObject("labels");
    JsonObject lifetime = json.getJsonObject("lifetime");
    return new ReplRecord(
        json.getString("slug"),
        json.getString("template"),
        json.getString("owner"),
        state == null ? ReplState.STOPPED : ReplState.fromWire(state),
        json.getString("node"),
        Instant.parse(json.getString("createdAt")),
        Instant.parse(json.getString("lastActiveAt")),
        Limits.fromJson(json.getJsonObject("limits")),
        visibility == null ? Visibility.PUBLIC : Visibility.fromWire(visibility),
        labels == null ? Map.of() : Labels.fromJson(labels),
        lifetime == null ? null : Lifetime.fromJson(lifetime),
        json.getString("title"),
        json.getString("description"));
  }
}
