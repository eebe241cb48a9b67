package io.pier.scheduler;

import io.pier.common.cluster.ClusterState;
import io.pier.common.http.ApiException;
import io.pier.common.repl.Lifetime;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplRole;
import io.pier.common.repl.ReplState;
import io.pier.common.repl.Visibility;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes to what a repl is besides its state: its preview's visibility, its labels, its timeout. Each is made whatever
 * the repl's state, in the registry and in {@code repl.json}.
 */
final class ReplChanges {
  private static final Logger LOG = LoggerFactory.getLogger(ReplChanges.class);

  /** How far a repl's last-active time may lag its last use. */
  static final Duration ACTIVITY_STEP = Duration.ofMinutes(1);

  private final ClusterState cluster;
  private final ReplRegistry registry;
  private final Clock clock;

  ReplChanges(ClusterState cluster, ReplRegistry registry, Clock clock) {
    this.cluster = cluster;
    this.registry = registry;
    this.clock = clock;
  }

  /**
   * Makes the repl's preview public or private, in the registry (which edge-proxies read on every preview request,
   * so it holds at once) and in {@code repl.json} (so it survives a rebuild of the registry). Whether it runs does not
   * matter; only a repl still being created is refused, as its creation would write the old value back.
   */
  Future<ReplRecord> setVisibility(String slug, Visibility visibility) {
    return change(
            slug,
            current ->
                current.visibility() == visibility ? null : current.withVisibility(visibility))
        .onSuccess(r -> LOG.info("{} is now {}", slug, visibility.wire()));
  }

  /** Replaces the repl's labels, in the registry and in {@code repl.json}. */
  Future<ReplRecord> setLabels(String slug, Map<String, String> labels) {
    return change(
        slug, current -> current.labels().equals(labels) ? null : current.withLabels(labels));
  }

  /** Gives the repl a title and a description, each null for none. */
  Future<ReplRecord> setNames(String slug, String title, String description) {
    return change(
        slug,
        current ->
            Objects.equals(current.title(), title)
                    && Objects.equals(current.description(), description)
                ? null
                : current.withNames(title, description));
  }

  /** Lets any signed-in account fork the repl (its "fork me" link), or only those it is shared with. */
  Future<ReplRecord> setForkable(String slug, boolean forkable) {
    return change(
            slug, current -> current.forkable() == forkable ? null : current.withForkable(forkable))
        .onSuccess(
            r ->
                LOG.info("{} {} forked by anyone", slug, forkable ? "may be" : "may no longer be"));
  }

  /**
   * Moves the repl's last-active time to now if it is older than {@link #ACTIVITY_STEP}: use is noted often (every API
   * call on the repl), written rarely.
   */
  Future<ReplRecord> touch(String slug) {
    Instant now = clock.instant();
    boolean[] moved = {false};
    return cluster
        .repls()
        .update(
            slug,
            current -> {
              if (current == null) throw ReplRegistry.unknown(slug);
              // A repl being created gets its times from its creation.
              if (current.state() == ReplState.CREATING
                  || current.lastActiveAt().plus(ACTIVITY_STEP).isAfter(now)) return null;
              moved[0] = true;
              return current.withLastActive(now);
            })
        .compose(
            r ->
                !moved[0]
                    ? Future.succeededFuture(r)
                    : registry.blocking(
                        () -> {
                          registry.persist(r);
                          return r;
                        }));
  }

  /**
   * Gives the repl a timeout counted from now (null: none), after which the fleet round stops it, or deletes it when
   * asked ({@link Lifetime}).
   */
  Future<ReplRecord> setTimeout(String slug, Duration timeout, Lifetime.OnTimeout onTimeout) {
    Instant now = clock.instant();
    return change(
        slug,
        current ->
            current.withLifetime(
                timeout == null
                    ? null
                    : Lifetime.startingAt(
                        now,
                        timeout,
                        onTimeout != null
                            ? onTimeout
                            : current.lifetime() != null
                                ? current.lifetime().onTimeout()
                                : Lifetime.OnTimeout.STOP)));
  }

  /** The most accounts one repl can be shared with. */
  static final int MAX_COLLABORATORS = 50;

  /**
   * Shares the repl with {@code account} as {@code role}, or stops sharing it with {@code account} when {@code role} is
   * null. Sessions and previews read the registry, so the change holds on every service within a moment.
   *
   * @throws ApiException 404 {@code not_a_collaborator} when removing an account the repl is not shared with; 409
   *     {@code too_many_collaborators} past {@link #MAX_COLLABORATORS}
   */
  Future<ReplRecord> setCollaborator(String slug, String account, ReplRole role) {
    return change(
            slug,
            current -> {
              Map<String, ReplRole> shared = new HashMap<>(current.collaborators());
              if (role == null) {
                if (shared.remove(account) == null)
                  throw ApiException.notFound(
                      "not_a_collaborator", slug + " is not shared with " + account);
              } else {
                if (role == shared.get(account)) return null;
                shared.put(account, role);
                if (shared.size() > MAX_COLLABORATORS)
                  throw ApiException.conflict(
                      "too_many_collaborators",
                      slug
                          + " is shared with "
                          + MAX_COLLABORATORS
                          + " accounts, the most it can be");
              }
              return current.withCollaborators(shared);
            })
        .onSuccess(
            r ->
                LOG.info(
                    "{} shared with {}: {}",
                    slug,
                    account,
                    role == null ? "no more" : role.wire()));
  }

  /**
   * Changes what may change of a repl whatever its state, in the registry (which edge-proxies read on every preview
   * request, so it holds at once) and in {@code repl.json} (so it survives a rebuild of the registry). Only a repl
   * still being created is refused, as its creation would write the old value back.
   *
   * @param change the new record, or null when nothing changes
   */
  private Future<ReplRecord> change(String slug, UnaryOperator<ReplRecord> change) {
    return cluster
        .repls()
        .update(
            slug,
            current -> {
              if (current == null) throw ReplRegistry.unknown(slug);
              if (current.state() == ReplState.CREATING)
                throw ApiException.conflict("busy", slug + " is still being created");
              return change.apply(current);
            })
        .compose(
            r ->
                registry.blocking(
                    () -> {
                      registry.persist(r);
                      return r;
                    }));
  }
}
