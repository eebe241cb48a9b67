package io.pier.common.cluster;

import io.pier.common.auth.ApiKeyEntry;
import io.pier.common.node.NodeInfo;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.Route;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The cluster-wide maps every part shares, by name. Who writes what:
 * <ul>
 *   <li>{@code pier.repls} slug → {@link ReplRecord}: the scheduler only.</li>
 *   <li>{@code pier.nodes} node id → {@link NodeInfo}: each node-agent its own entry, with a time to live.</li>
 *   <li>{@code pier.routes} slug → {@link Route}: the node-agent running the repl.</li>
 *   <li>{@code pier.services} "kind/id" → {@link ServiceEndpoint}: every scheduler, with a time to live.</li>
 *   <li>{@code pier.activity} slug → {@link Activity}: when a repl was last used; node-agents (IDE sessions) and
 *       edge-proxies (preview traffic) write it, schedulers read it to stop idle repls.</li>
 *   <li>{@code pier.reservations} node id → {@link Reservations}: room schedulers took on a node for starts the
 *       node has not reported yet; written with compare-and-set, so concurrent starts never over-commit.</li>
 *   <li>{@code pier.accounts} username → account: the schedulers' cache of stored accounts.</li>
 *   <li>{@code pier.revocations} subject → the instant up to which its tokens are revoked: schedulers write it
 *       (sign-out, a change of the administrator flag), every service reads it when it checks a token.</li>
 *   <li>{@code pier.apikeys} key id → {@link ApiKeyEntry} (a hash of the secret, never the key): schedulers write it
 *       (create, revoke, a role change) and every service follows it into a local table
 *       ({@link io.pier.common.auth.ApiKeyTable}); any service may record a key's last use, at most once a
 *       minute.</li>
 * </ul>
 */
public final class ClusterState {
  public static final String REPLS = "pier.repls";
  public static final String NODES = "pier.nodes";
  public static final String ROUTES = "pier.routes";
  public static final String SERVICES = "pier.services";
  public static final String ACTIVITY = "pier.activity";
  public static final String RESERVATIONS = "pier.reservations";
  public static final String ACCOUNTS = "pier.accounts";
  public static final String REVOCATIONS = "pier.revocations";
  public static final String API_KEYS = "pier.apikeys";

  /**
   * Repls whose record and route are kept decoded after a read: an edge-proxy reads both on every preview request,
   * and most of those read an unchanged value again.
   */
  public static final int LAST_READ_ENTRIES = 10_000;

  private final SharedMap<ReplRecord> repls;
  private final SharedMap<NodeInfo> nodes;
  private final SharedMap<Route> routes;
  private final SharedMap<ServiceEndpoint> services;
  private final SharedMap<Activity> activity;
  private final SharedMap<Reservations> reservations;
  private final SharedMap<JsonObject> accounts;
  private final SharedMap<JsonObject> revocations;
  private final SharedMap<ApiKeyEntry> apiKeys;

  private final Membership membership;

  /** Cluster state over in-memory or test maps, where every member counts as alive. */
  public ClusterState(Function<String, StringMap> mapsByName) {
    this(mapsByName, Membership.EVERYONE);
  }

  public ClusterState(Function<String, StringMap> mapsByName, Membership membership) {
    this.membership = membership;
    this.repls =
        new SharedMap<>(
            mapsByName.apply(REPLS), ReplRecord::toJson, ReplRecord::fromJson, LAST_READ_ENTRIES);
    this.nodes = new SharedMap<>(mapsByName.apply(NODES), NodeInfo::toJson, NodeInfo::fromJson);
    this.routes =
        new SharedMap<>(
            mapsByName.apply(ROUTES), Route::toJson, Route::fromJson, LAST_READ_ENTRIES);
    this.services =
        new SharedMap<>(
            mapsByName.apply(SERVICES), ServiceEndpoint::toJson, ServiceEndpoint::fromJson);
    this.activity =
        new SharedMap<>(mapsByName.apply(ACTIVITY), Activity::toJson, Activity::fromJson);
    this.reservations =
        new SharedMap<>(
            mapsByName.apply(RESERVATIONS), Reservations::toJson, Reservations::fromJson);
    this.accounts = new SharedMap<>(mapsByName.apply(ACCOUNTS), json -> json, json -> json);
    this.revocations = new SharedMap<>(mapsByName.apply(REVOCATIONS), json -> json, json -> json);
    this.apiKeys =
        new SharedMap<>(mapsByName.apply(API_KEYS), ApiKeyEntry::toJson, ApiKeyEntry::fromJson);
  }

  /** Which members are in the cluster now: a node whose member left is gone, whatever its last heartbeat says. */
  public Membership membership() {
    return membership;
  }

  /** True when the node's cluster member is still in the cluster. */
  public boolean isAlive(NodeInfo node) {
    return node.memberId() == null || membership.isMember(node.memberId());
  }

  public SharedMap<ReplRecord> repls() {
    return repls;
  }

  public SharedMap<NodeInfo> nodes() {
    return nodes;
  }

  public SharedMap<Route> routes() {
    return routes;
  }

  public SharedMap<ServiceEndpoint> services() {
    return services;
  }

  public SharedMap<Activity> activity() {
    return activity;
  }

  public SharedMap<Reservations> reservations() {
    return reservations;
  }

  /** Accounts by username: the schedulers' cache of {@code accounts/*.json}, and the lock that makes sign-up unique. */
  public SharedMap<JsonObject> accounts() {
    return accounts;
  }

  /**
   * Revoked tokens by subject ({@code {"after": <epoch ms>}}: its tokens issued up to then no longer count), each entry
   * living as long as the longest token; schedulers write it, every service reads it (see
   * {@link io.pier.common.auth.Revocations}).
   */
  public SharedMap<JsonObject> revocations() {
    return revocations;
  }

  /** API keys by id, as every service checks them (see {@link io.pier.common.auth.ApiKeyTable}). */
  public SharedMap<ApiKeyEntry> apiKeys() {
    return apiKeys;
  }

  /** When a repl was last used, and by what ("session" or "preview"). */
  public record Activity(Instant at, String by) {
    public JsonObject toJson() {
      return new JsonObject().put("at", at.toString()).put("by", by);
    }

    public static Activity fromJson(JsonObject json) {
      return new Activity(Instant.parse(json.getString("at")), json.getString("by"));
    }
  }

  /**
   * Room taken on one node for repls being started there: slug → memory (MB) and when it was taken.
   */
  public record Reservations(Map<String, Long> memoryMb, Map<String, Instant> at) {
    public static final Reservations NONE = new Reservations(Map.of(), Map.of());

    public Reservations with(String slug, long memory, Instant when) {
      var m = new TreeMap<>(memoryMb);
      var a = new TreeMap<>(at);
      m.put(slug, memory);
      a.put(slug, when);
      return new Reservations(m, a);
    }

    /** Without the reservations {@code done} says are over. */
    public Reservations without(Predicate<String> done) {
      var m = new TreeMap<>(memoryMb);
      var a = new TreeMap<>(at);
      m.keySet().removeIf(done);
      a.keySet().retainAll(m.keySet());
      return new Reservations(m, a);
    }

    public JsonObject toJson() {
      JsonObject entries = new JsonObject();
      memoryMb.forEach(
          (slug, mb) ->
              entries.put(
                  slug, new JsonObject().put("memoryMb", mb).put("at", at.get(slug).toString())));
      return new JsonObject().put("entries", entries);
    }

    public static Reservations fromJson(JsonObject json) {
      var m = new TreeMap<String, Long>();
      var a = new TreeMap<String, Instant>();
      JsonObject entries = json.getJsonObject("entries", new JsonObject());
      for (String slug : entries.fieldNames()) {
        m.put(slug, entries.getJsonObject(slug).getLong("memoryMb"));
        a.put(slug, Instant.parse(entries.getJsonObject(slug).getString("at")));
      }
      return new Reservations(m, a);
    }
  }

  /** A service instance that others find through the cluster, such as a scheduler's API. */
  public record ServiceEndpoint(String kind, String id, String url) {
    public JsonObject toJson() {
      return new JsonObject().put("kind", kind).put("id", id).put("url", url);
    }

    public static ServiceEndpoint fromJson(JsonObject json) {
      return new ServiceEndpoint(
          json.getString("kind"), json.getString("id"), json.getString("url"));
    }

    public String key() {
      return kind + "/" + id;
    }
  }
}
