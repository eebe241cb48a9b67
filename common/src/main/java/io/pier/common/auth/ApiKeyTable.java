package io.pier.common.auth;

import io.pier.common.cluster.SharedMap;
import io.pier.common.cluster.StringMap;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This service's copy of every API key, so that a key is checked synchronously, without a network read per request.
 * It follows the cluster map {@code pier.apikeys}: an entry listener applies each key added, changed or removed on any
 * member as it happens (a revocation reaches every service within the time an event takes, milliseconds on a healthy
 * cluster), and the whole map is read again every {@link #RESYNC}, which repairs a table that missed an event. An event
 * that arrives while such a read is under way wins over the read, so a read begun before a revocation never brings
 * the revoked key back. Memory: one entry per key of the whole Pier (at most 50 per account), a few hundred bytes each.
 */
public final class ApiKeyTable {
  /** How often the whole map is read again. */
  static final Duration RESYNC = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(ApiKeyTable.class);

  private final Map<String, ApiKeyEntry> byId = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> idsByOwner = new ConcurrentHashMap<>();

  /** Keys an event changed, by the number of that change: a full read begun before it must not undo it. */
  private final Map<String, Long> changedAt = new HashMap<>();

  private final AtomicBoolean resyncing = new AtomicBoolean();
  private final Clock clock;
  private final ApiKeyUses uses;
  private long changes;

  private ApiKeyTable(Clock clock, ApiKeyUses uses) {
    this.clock = clock;
    this.uses = uses;
  }

  /** A table fed only by {@link #learn} and {@link #forget}: for tests and tools; it records no uses. */
  public static ApiKeyTable local(Clock clock) {
    return new ApiKeyTable(clock, new ApiKeyUses(null));
  }

  /**
   * A table that follows {@code shared} (the cluster's {@code pier.apikeys}) from now on: listening first, then reading
   * the whole map, so no change falls in between; again every {@link #RESYNC}.
   */
  public static ApiKeyTable following(Vertx vertx, SharedMap<ApiKeyEntry> shared, Clock clock) {
    ApiKeyTable table = new ApiKeyTable(clock, new ApiKeyUses(shared));
    Callable<StringMap.Subscription> listen =
        () ->
            shared.listen(
                (id, entry) -> {
                  if (entry != null && id.equals(entry.id())) table.learn(entry);
                  else table.forget(id);
                });
    if (Context.isOnEventLoopThread()) {
      // Registering a listener waits for every member of the cluster, which may take long while
      // members join (it held an edge's start past its deadline): never on an event loop. Keys are
      // known once it is registered and read, a moment after the service starts.
      vertx
          .executeBlocking(listen, false)
          .onSuccess(registered -> table.resync(shared))
          .onFailure(err -> LOG.warn("could not follow the API keys: {}", err.getMessage()));
    } else {
      try {
        listen.call();
      } catch (Exception e) {
        throw new IllegalStateException("could not follow the API keys", e);
      }
      table.resync(shared);
    }
    vertx.setPeriodic(RESYNC.toMillis(), t -> table.resync(shared));
    return table;
  }

  /**
   * The caller an API key names: its account, with the role its entry says; empty when the text is no well-formed key,
   * names no key, is expired, or its secret is wrong.
   */
  public Optional<AuthToken> verify(String text) {
    Optional<ApiKeyText.Parsed> parsed = ApiKeyText.parse(text);
    if (parsed.isEmpty()) return Optional.empty();
    ApiKeyEntry entry = byId.get(parsed.get().id());
    if (entry == null) return Optional.empty();
    Instant now = clock.instant();
    if (entry.expired(now) || !ApiKeyText.matches(parsed.get().secret(), entry.secretHash()))
      return Optional.empty();
    uses.used(entry, now);
    return Optional.of(AuthToken.ofApiKey(entry));
  }

  /** Takes in a key added or changed (an event, or this service's own write). */
  public synchronized void learn(ApiKeyEntry entry) {
    changedAt.put(entry.id(), ++changes);
    put(entry);
  }

  /** Drops a key that was removed (an event, or this service's own revocation). */
  public synchronized void forget(String id) {
    changedAt.put(id, ++changes);
    remove(id);
  }

  /** The key with this id, as this service knows it. */
  public Optional<ApiKeyEntry> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** An account's keys, oldest first. */
  public List<ApiKeyEntry> ofOwner(String owner) {
    Set<String> ids = idsByOwner.get(owner);
    List<ApiKeyEntry> keys = new ArrayList<>();
    if (ids != null) {
      for (String id : ids) {
        ApiKeyEntry entry = byId.get(id);
        if (entry != null) keys.add(entry);
      }
    }
    keys.sort(Comparator.comparing(ApiKeyEntry::createdAt).thenComparing(ApiKeyEntry::id));
    return keys;
  }

  /** How many keys this service knows (a gauge). */
  public int size() {
    return byId.size();
  }

  /** Reads the whole map again; changes that events brought in meanwhile are kept. Skipped while one is under way. */
  Future<Void> resync(SharedMap<ApiKeyEntry> shared) {
    if (!resyncing.compareAndSet(false, true)) return Future.succeededFuture();
    long since = changeCount();
    return shared
        .entries()
        .map(
            snapshot -> {
              apply(snapshot, since);
              return (Void) null;
            })
        .onFailure(err -> LOG.warn("could not read the API keys: {}", err.getMessage()))
        .onComplete(done -> resyncing.set(false));
  }

  /** How many changes events have brought so far: where a full read begins. */
  synchronized long changeCount() {
    return changes;
  }

  /** Takes in a full read of the map begun after change {@code since}: later changes win over it. */
  synchronized void apply(Map<String, ApiKeyEntry> snapshot, long since) {
    for (Map.Entry<String, ApiKeyEntry> e : snapshot.entrySet()) {
      if (changedSince(e.getKey(), since)) continue;
      if (e.getKey().equals(e.getValue().id())) put(e.getValue());
    }
    for (String id : new ArrayList<>(byId.keySet())) {
      if (!snapshot.containsKey(id) && !changedSince(id, since)) remove(id);
    }
    changedAt.values().removeIf(change -> change <= since);
  }

  private boolean changedSince(String id, long since) {
    Long change = changedAt.get(id);
    return change != null && change > since;
  }

  private void put(ApiKeyEntry entry) {
    ApiKeyEntry before = byId.put(entry.id(), entry);
    if (before != null && !before.owner().equals(entry.owner())) unindex(before);
    idsByOwner.computeIfAbsent(entry.owner(), o -> ConcurrentHashMap.newKeySet()).add(entry.id());
  }

  private void remove(String id) {
    ApiKeyEntry before = byId.remove(id);
    if (before != null) unindex(before);
    uses.forget(id);
  }

  private void unindex(ApiKeyEntry entry) {
    idsByOwner.computeIfPresent(
        entry.owner(),
        (owner, ids) -> {
          ids.remove(entry.id());
          return ids.isEmpty() ? null : ids;
        });
  }
}
