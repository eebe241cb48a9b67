package io.pier.scheduler;

import io.micrometer.core.instrument.Counter;
import io.pier.common.cluster.ClusterState;
import io.pier.common.http.ApiException;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.common.repl.Slugs;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a new repl, whatever its files come from (a template, another repl): takes a free slug in the registry as
 * {@code creating}, holds the owner to their cap, has its files put in storage, then records it as stopped, in
 * storage and the registry. A failure leaves no record behind.
 */
final class ReplCreation {
  private static final Logger LOG = LoggerFactory.getLogger(ReplCreation.class);

  private final ClusterState cluster;
  private final ReplRegistry registry;
  private final Slugs slugs;
  private final Clock clock;
  private final ReplService.Quotas quotas;
  private final Counter capRefusals;

  ReplCreation(
      ClusterState cluster,
      ReplRegistry registry,
      Slugs slugs,
      Clock clock,
      ReplService.Quotas quotas,
      Counter capRefusals) {
    this.cluster = cluster;
    this.registry = registry;
    this.slugs = slugs;
    this.clock = clock;
    this.quotas = quotas;
    this.capRefusals = capRefusals;
  }

  /**
   * @param recordFor the new repl's record (state {@code creating}) under a slug
   * @param capped    refuse with {@code 429 repl_limit} when the owner would have more than {@link
   *                  ReplService.Quotas#maxRepls}
   * @param fill      puts the new repl's files in storage, under its slug
   * @param from      what the log says it was made from
   */
  Future<ReplRecord> create(
      Function<String, ReplRecord> recordFor,
      boolean capped,
      Function<String, Future<?>> fill,
      String from) {
    ReplRecord creating = recordFor.apply(slugs.next());
    String slug = creating.slug();
    String owner = creating.owner();
    return cluster
        .repls()
        .putIfAbsent(slug, creating)
        .compose(
            fresh -> {
              if (!fresh) return create(recordFor, capped, fill, from);
              // Counted after the new repl is in the registry, so that concurrent creates all see
              // each other: at most the cap succeed, whatever the timing.
              Future<Void> withinCap =
                  !capped
                      ? Future.succeededFuture()
                      : registry
                          .count(owner, r -> true)
                          .compose(
                              n -> {
                                if (n <= quotas.maxRepls()) return Future.succeededFuture();
                                capRefusals.increment();
                                return cluster
                                    .repls()
                                    .remove(slug)
                                    .transform(
                                        v ->
                                            Future.failedFuture(
                                                new ApiException(
                                                    429,
                                                    "repl_limit",
                                                    owner
                                                        + " has "
                                                        + (n - 1)
                                                        + " repls, the most an account may have here is "
                                                        + quotas.maxRepls()
                                                        + "; delete one first")));
                              });
              return withinCap.compose(
                  ok ->
                      fill.apply(slug)
                          .compose(
                              filled ->
                                  registry.blocking(
                                      () -> {
                                        ReplRecord stopped =
                                            creating.withState(
                                                ReplState.STOPPED, null, clock.instant());
                                        registry.persist(stopped);
                                        return stopped;
                                      }))
                          .compose(stopped -> cluster.repls().put(slug, stopped).map(stopped))
                          .onSuccess(r -> LOG.info("created {} from {}", slug, from))
                          .onFailure(err -> cluster.repls().remove(slug)));
            });
  }
}
