package io.pier.scheduler.auth;

import io.pier.common.auth.Revocations;
import io.pier.common.store.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's side of {@link Revocations}: revokes a user's tokens in the cluster and keeps a copy in storage
 * ({@code auth/revocations/<username>.json}), so that a sign-out still holds after a restart of the whole cluster,
 * when the cluster map starts empty. At start the scheduler puts the copies that still matter back into the map and
 * deletes the others.
 */
public final class StoredRevocations {
  public static final String PREFIX = "auth/revocations/";
  private static final Logger LOG = LoggerFactory.getLogger(StoredRevocations.class);
  private static final Pattern SUBJECT = Pattern.compile("[a-z0-9_-]{3,32}");

  private final Vertx vertx;
  private final ObjectStore store;
  private final Revocations revocations;
  private final Duration keep;
  private final Clock clock;

  /**
   * @param keep how long a revocation must hold: the longest token lifetime (sign-in and preview cookies) plus a
   *             margin for clocks that differ
   */
  public StoredRevocations(
      Vertx vertx, ObjectStore store, Revocations revocations, Duration keep, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.revocations = revocations;
    this.keep = keep;
    this.clock = clock;
  }

  /** Revokes every token of {@code username} issued up to now, on every service. */
  public Future<Instant> revoke(String username) {
    return revocations
        .revoke(username, keep)
        .compose(
            upTo -> {
              if (!SUBJECT.matcher(username).matches()) return Future.succeededFuture(upTo);
              JsonObject copy =
                  new JsonObject()
                      .put("after", upTo.toEpochMilli())
                      .put("until", upTo.plus(keep).toEpochMilli());
              return vertx.executeBlocking(
                  () -> {
                    store.put(
                        PREFIX + username + ".json",
                        copy.encode().getBytes(StandardCharsets.UTF_8));
                    return upTo;
                  },
                  false);
            });
  }

  /** Puts the stored revocations that still hold back into the cluster; deletes the rest. @return how many held */
  public Future<Integer> restore() {
    return vertx
        .executeBlocking(
            () -> {
              List<Object[]> holding = new ArrayList<>();
              long now = clock.millis();
              for (ObjectStore.ObjectInfo object : store.list(PREFIX)) {
                String name = object.key().substring(PREFIX.length());
                String subject = name.endsWith(".json") ? name.substring(0, name.length() - 5) : "";
                try {
                  JsonObject copy =
                      new JsonObject(
                          new String(
                              store.get(object.key()).orElse(new byte[0]), StandardCharsets.UTF_8));
                  long until = copy.getLong("until");
                  if (!SUBJECT.matcher(subject).matches() || until <= now) {
                    store.delete(object.key());
                  } else {
                    holding.add(
                        new Object[] {
                          subject,
                          Instant.ofEpochMilli(copy.getLong("after")),
                          Duration.ofMillis(until - now)
                        });
                  }
                } catch (RuntimeException unreadable) {
                  LOG.warn("ignoring unreadable {}: {}", object.key(), unreadable.getMessage());
                }
              }
              return holding;
            },
            false)
        .compose(
            holding -> {
              List<Future<Void>> restored = new ArrayList<>();
              for (Object[] h : holding)
                restored.add(revocations.restore((String) h[0], (Instant) h[1], (Duration) h[2]));
              return Future.all(restored).map(all -> holding.size());
            });
  }
}
