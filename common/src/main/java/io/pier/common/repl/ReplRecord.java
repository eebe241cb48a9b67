package io.pier.common.repl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

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
 * @param collaborators the accounts its owner shared it with, each with its role ({@link ReplRole#EDITOR} or
 *                      {@link ReplRole#VIEWER}); never null
 * @param forkable    whether any signed-in account may fork it (its owner's public "fork me" link), not only those
 *                    it is shared with
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
    String description,
    Map<String, ReplRole> collaborators,
    boolean forkable) {

  public ReplRecord {
    if (visibility == null) visibility = Visibility.PUBLIC;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    collaborators = collaborators == null ? Map.of() : Map.copyOf(collaborators);
    if (collaborators.containsValue(ReplRole.OWNER))
      throw new IllegalArgumentException("a collaborator is an editor or a viewer");
  }

  /** A record only those it is shared with may fork. */
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
      Lifetime lifetime,
      String title,
      String description,
      Map<String, ReplRole> collaborators) {
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
        title,
        description,
        collaborators,
        false);
  }

  /** A record shared with nobody. */
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
      Lifetime lifetime,
      String title,
      String description) {
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
        title,
        description,
        Map.of());
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

  /** This record with the fields {@code change} sets on a copy of its own. */
  private ReplRecord copied(Consumer<Copy> change) {
    Copy copy = new Copy(this);
    change.accept(copy);
    return copy.record();
  }

  public ReplRecord withState(ReplState newState, String newNodeId, Instant now) {
    return copied(
        copy -> {
          copy.state = newState;
          copy.nodeId = newNodeId;
          copy.lastActiveAt = now;
        });
  }

  public ReplRecord withVisibility(Visibility newVisibility) {
    return copied(copy -> copy.visibility = newVisibility);
  }

  public ReplRecord withLabels(Map<String, String> newLabels) {
    return copied(copy -> copy.labels = newLabels);
  }

  /** @param newLifetime null: no timeout */
  public ReplRecord withLifetime(Lifetime newLifetime) {
    return copied(copy -> copy.lifetime = newLifetime);
  }

  public ReplRecord withNames(String newTitle, String newDescription) {
    return copied(
        copy -> {
          copy.title = newTitle;
          copy.description = newDescription;
        });
  }

  public ReplRecord withLastActive(Instant when) {
    return copied(copy -> copy.lastActiveAt = when);
  }

  public ReplRecord withCollaborators(Map<String, ReplRole> newCollaborators) {
    return copied(copy -> copy.collaborators = newCollaborators);
  }

  public ReplRecord withForkable(boolean newForkable) {
    return copied(copy -> copy.forkable = newForkable);
  }

  /** A record's fields to change a few of, so each {@code with} names only what it changes. */
  private static final class Copy {
    private final String slug;
    private final String template;
    private final String owner;
    private final Instant createdAt;
    private final Limits limits;
    ReplState state;
    String nodeId;
    Instant lastActiveAt;
    Visibility visibility;
    Map<String, String> labels;
    Lifetime lifetime;
    String title;
    String description;
    Map<String, ReplRole> collaborators;
    boolean forkable;

    Copy(ReplRecord of) {
      slug = of.slug;
      template = of.template;
      owner = of.owner;
      createdAt = of.createdAt;
      limits = of.limits;
      state = of.state;
      nodeId = of.nodeId;
      lastActiveAt = of.lastActiveAt;
      visibility = of.visibility;
      labels = of.labels;
      lifetime = of.lifetime;
      title = of.title;
      description = of.description;
      collaborators = of.collaborators;
      forkable = of.forkable;
    }

    ReplRecord record() {
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
          title,
          description,
          collaborators,
          forkable);
    }
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
        .put("description", description)
        .put("collaborators", collaboratorsJson())
        .put("forkable", forkable);
  }

  /** The collaborators as the API shows them: {@code [{"account": …, "role": …}]}, sorted by account. */
  public JsonArray collaboratorsJson() {
    JsonArray list = new JsonArray();
    new TreeMap<>(collaborators)
        .forEach(
            (account, role) ->
                list.add(new JsonObject().put("account", account).put("role", role.wire())));
    return list;
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
    JsonArray shared = json.getJsonArray("collaborators");
    Map<String, ReplRole> collaborators = new HashMap<>();
    if (shared != null) {
      for (Object entry : shared) {
        JsonObject c = (JsonObject) entry;
        collaborators.put(c.getString("account"), ReplRole.collaborator(c.getString("role")));
      }
    }
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
        json.getString("description"),
        collaborators,
        json.getBoolean("forkable", false));
  }
}
