package io.pier.common.auth;

import io.pier.common.cluster.SharedMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokens revoked before they expire. Tokens are signed, not stored, so a revocation is kept per subject: "its tokens
 * issued at or before this instant no longer count". A sign-out writes one for the user (all of its tokens, on every
 * device), and so does a change of its administrator flag (its tokens carry the old flag).
 *
 * <p>Every service checks tokens synchronously, so each keeps a local copy of the revocations. The cluster map
 * {@code pier.revocations} is where they live: an entry disappears once every token it could refuse has expired
 * (its time to live is the longest token lifetime). A service that revokes writes the map, updates its own copy and
 * publishes the revocation on the event bus, so the other members learn it at once; each member also reads the whole
 * map at start and every few seconds, which catches a message it missed. Memory: one entry per subject revoked within
 * the last token lifetime.
 */
public final class Revocations {
  /** The event-bus address revocations are published on. */
  public static final String ADDRESS = "pier.revocations";

  private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);
  static final Duration REFRESH = Duration.ofSeconds(5);

  /** A revocation learnt locally is kept this long even when the map does not show it (yet). */
  private static final Duration LOCAL_GRACE = Duration.ofMinutes(1);

  private final Map<String, Long> after = new ConcurrentHashMap<>();
  private final Map<String, Long> learntAt = new ConcurrentHashMap<>();
  private final Vertx vertx;
  private final SharedMap<JsonObject> shared;
  private final Clock clock;

  private Revocations(Vertx vertx, SharedMap<JsonObject> shared, Clock clock) {
    this.vertx = vertx;
    this.shared = shared;
    this.clock = clock;
  }

  /** Revocations in this process only: for tests and for tools that only sign. */
  public static Revocations local(Clock clock) {
    return new Revocations(null, null, clock);
  }

  /**
   * Revocations kept in {@code shared} (the cluster's {@code pier.revocations}) and followed from now on: read now,
   * on every revocation any member publishes, and every few seconds.
   */
  public static Revocations following(Vertx vertx, SharedMap<JsonObject> shared, Clock clock) {
    Revocations revocations = new Revocations(vertx, shared, clock);
    vertx
        .eventBus()
        .<JsonObject>consumer(
            ADDRESS,
            message -> {
              JsonObject body = message.body();
              if (body != null
                  && body.getValue("subject") instanceof String subject
                  && body.getValue("after") instanceof Number at) {
                revocations.learn(subject, at.longValue());
              }
            });
    revocations.refresh();
    vertx.setPeriodic(REFRESH.toMillis(), t -> revocations.refresh());
    return revocations;
  }

  /** True unless {@code subject}'s tokens issued at {@code issuedAt} have been revoked. */
  public boolean allows(String subject, Instant issuedAt) {
    Long revokedUpTo = after.get(subject);
    return revokedUpTo == null || issuedAt.toEpochMilli() > revokedUpTo;
  }

  /**
   * Revokes every token of {@code subject} issued up to now, everywhere.
   *
   * @param keep the longest lifetime of a token: after it, the revocation has nothing left to refuse
   * @return the instant the revocation holds up to
   */
  public Future<Instant> revoke(String subject, Duration keep) {
    long now = clock.millis();
    learn(subject, now);
    if (shared == null) return Future.succeededFuture(Instant.ofEpochMilli(now));
    JsonObject entry = new JsonObject().put("after", now);
    return shared
        .put(subject, entry, keep)
        .map(
            v -> {
              vertx.eventBus().publish(ADDRESS, entry.copy().put("subject", subject));
              return Instant.ofEpochMilli(now);
            });
  }

  /**
   * Puts back a revocation kept elsewhere (storage, after a restart of the whole cluster) unless a later one is known;
   * {@code remaining} is how long it still has to hold.
   */
  public Future<Void> restore(String subject, Instant upTo, Duration remaining) {
    learn(subject, upTo.toEpochMilli());
    if (shared == null) return Future.succeededFuture();
    return shared
        .putIfAbsent(subject, new JsonObject().put("after", upTo.toEpochMilli()), remaining)
        .mapEmpty();
  }

  /**
   * Takes in a revocation another member made. Only news restarts the local grace: a message that repeats what is
   * held (a member's own revocation coming back on the bus) must not keep an expired entry alive.
   */
  void learn(String subject, long upToMillis) {
    after.compute(
        subject,
        (s, held) -> {
          if (held != null && held >= upToMillis) return held;
          learntAt.put(subject, clock.millis());
          return upToMillis;
        });
  }

  /** Reads the whole map again: entries that expired there are dropped here, unless learnt a moment ago. */
  Future<Void> refresh() {
    if (shared == null) return Future.succeededFuture();
    return shared
        .entries()
        .map(
            entries -> {
              long now = clock.millis();
              for (Map.Entry<String, JsonObject> e : entries.entrySet()) {
                Object at = e.getValue().getValue("after");
                if (at instanceof Number n) after.merge(e.getKey(), n.longValue(), Math::max);
              }
              after
                  .keySet()
                  .removeIf(
                      subject ->
                          !entries.containsKey(subject)
                              && now - learntAt.getOrDefault(subject, 0L) > LOCAL_GRACE.toMillis());
              learntAt.keySet().retainAll(after.keySet());
              return (Void) null;
            })
        .onFailure(err -> LOG.warn("could not read the token revocations: {}", err.getMessage()));
  }

  /** How many subjects have revoked tokens now (a gauge). */
  public int size() {
    return after.size();
  }
}
