package io.pier.common.auth;

import io.pier.common.cluster.SharedMap;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records when API keys were last used, coarsely: a key's {@code lastUsedAt} in the cluster map is written at most once
 * a {@link #EVERY minute} by each service, and not at all while the map already shows a use within the last minute,
 * never once per request. The write is a compare-and-set that leaves a removed key removed, so it can never bring
 * back a revoked key. Memory: one instant per key this service has seen used.
 */
public final class ApiKeyUses {
  /** How coarse {@code lastUsedAt} is. */
  public static final Duration EVERY = Duration.ofMinutes(1);

  private static final Logger LOG = LoggerFactory.getLogger(ApiKeyUses.class);

  private final SharedMap<ApiKeyEntry> shared;
  private final Map<String, Instant> written = new ConcurrentHashMap<>();

  /** @param shared the cluster map {@code pier.apikeys}; null records nothing */
  ApiKeyUses(SharedMap<ApiKeyEntry> shared) {
    this.shared = shared;
  }

  /** Notes that {@code entry}'s key was used at {@code now}; writes the map when the minute has turned. */
  void used(ApiKeyEntry entry, Instant now) {
    if (shared == null || recent(entry.lastUsedAt(), now)) return;
    boolean[] claimed = {false};
    written.compute(
        entry.id(),
        (id, before) -> {
          if (recent(before, now)) return before;
          claimed[0] = true;
          return now;
        });
    if (!claimed[0]) return;
    shared
        .update(
            entry.id(),
            current ->
                current == null || recent(current.lastUsedAt(), now)
                    ? null
                    : current.withLastUsedAt(now))
        .onFailure(err -> LOG.debug("could not record a use of API key {}: {}", entry.id(), err));
  }

  /** Drops what is kept of a key that is gone. */
  void forget(String id) {
    written.remove(id);
  }

  /** Keys whose last write is remembered here. */
  int size() {
    return written.size();
  }

  private static boolean recent(Instant at, Instant now) {
    return at != null && at.plus(EVERY).isAfter(now);
  }
}
