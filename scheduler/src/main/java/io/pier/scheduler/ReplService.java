package io.pier.scheduler;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pier.common.cluster.ClusterState;
import io.pier.common.http.ApiException;
import io.pier.common.node.NodeInfo;
import io.pier.common.repl.Lifetime;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplRole;
import io.pier.common.repl.ReplState;
import io.pier.common.repl.Slugs;
import io.pier.common.repl.Visibility;
import io.pier.common.store.ObjectStore;
import io.pier.common.store.StorageLayout;
import io.pier.common.template.TemplateCatalog;
import io.pier.common.template.TemplateManifest;
import io.pier.scheduler.node.NodeClient;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repl lifecycle: create from a template, start on a node chosen by placement ({@link ReplStarter}), stop,
 * delete. The only writer of the repl registry. Transitions are compare-and-set on the registry
 * ({@link ReplRegistry}), so several schedulers can serve at once.
 */
public final class ReplService {
  private static final Logger LOG = LoggerFactory.getLogger(ReplService.class);

  private final ClusterState cluster;
  private final ObjectStore store;
  private final TemplateCatalog templates;
  private final NodeClient nodes;
  private final ReplRegistry registry;
  private final ReplStarter starter;
  private final Slugs slugs;
  private final Clock clock;
  private final Quotas quotas;
  private final Counter capRefusals;
  private final ReplChanges changes;
  private final StorageCopy copies;
  private final ReplCreation creation;
  private final ReplForks forks;

  /**
   * How much one account may take, so that it cannot fill the fleet (or make the fleet signal ask for nodes in a
   * loop): repls it has, and repls of it running or starting at once. Checked on calls that say they are capped: a
   * user's own, and a preview waking a repl; not an administrator's, nor the scheduler's own moves (failover, drain).
   */
  public record Quotas(int maxRepls, int maxRunning) {
    public static final Quotas NONE = new Quotas(Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  public ReplService(
      ClusterState cluster,
      ObjectStore store,
      TemplateCatalog templates,
      NodeClient nodes,
      ReplRegistry registry,
      ReplStarter starter,
      Slugs slugs,
      Clock clock,
      Quotas quotas,
      StorageCopy copies,
      MeterRegistry metrics) {
    this.cluster = cluster;
    this.store = store;
    this.templates = templates;
    this.nodes = nodes;
    this.registry = registry;
    this.starter = starter;
    this.slugs = slugs;
    this.clock = clock;
    this.quotas = quotas;
    this.capRefusals = capRefusals(metrics);
    this.changes = new ReplChanges(cluster, registry, clock);
    this.copies = copies;
    this.creation = new ReplCreation(cluster, registry, slugs, clock, quotas, capRefusals);
    this.forks = new ReplForks(cluster, nodes, registry, creation, copies, clock);
  }

  /** Creates and starts refused for the caps; one counter, whichever refuses. */
  static Counter capRefusals(MeterRegistry metrics) {
    return Counter.builder("pier.repl.cap.refusals")
        .description("Creates and starts refused because the account is at its cap")
        .register(metrics);
  }

  /** Creates a stopped repl with a public preview whose files are a copy of the template's. */
  public Future<ReplRecord> create(String template, String owner) {
    return create(template, owner, Visibility.PUBLIC);
  }

  /** Creates a stopped repl whose files are a copy of the template's; no cap applies. */
  public Future<ReplRecord> create(String template, String owner, Visibility visibility) {
    return create(template, owner, visibility, false);
  }

  /**
   * Creates a stopped repl whose files are a copy of the template's.
   *
   * @param capped refuse with {@code 429 repl_limit} when the owner would have more than {@link Quotas#maxRepls}
   */
  public Future<ReplRecord> create(
      String template, String owner, Visibility visibility, boolean capped) {
    return create(
        template, owner, new NewRepl(visibility, Map.of(), null, null, null, null), capped);
  }

  /**
   * What a new repl is given besides its template: its preview's visibility, its labels, and a timeout after which it
   * is stopped or deleted ({@link Lifetime}; null: none).
   */
  public record NewRepl(
      Visibility visibility,
      Map<String, String> labels,
      Duration timeout,
      Lifetime.OnTimeout onTimeout,
      String title,
      String description) {
    /** Without a title or description. */
    public NewRepl(
        Visibility visibility,
        Map<String, String> labels,
        Duration timeout,
        Lifetime.OnTimeout onTimeout) {
      this(visibility, labels, timeout, onTimeout, null, null);
    }

    public NewRepl {
      if (visibility == null) visibility = Visibility.PUBLIC;
      labels = labels == null ? Map.of() : Map.copyOf(labels);
      if (timeout != null && onTimeout == null) onTimeout = Lifetime.OnTimeout.STOP;
    }
  }

  /**
   * Creates a stopped repl whose files are a copy of the template's.
   *
   * @param capped refuse with {@code 429 repl_limit} when the owner would have more than {@link Quotas#maxRepls}
   */
  public Future<ReplRecord> create(
      String template, String owner, NewRepl settings, boolean capped) {
    Optional<TemplateManifest> found = templates.find(template);
    if (found.isEmpty()) {
      return Future.failedFuture(
          ApiException.badRequest(
              "unknown_template",
              "no template named '"
                  + template
                  + "'; known: "
                  + templates.all().stream().map(TemplateManifest::name).toList()));
    }
    TemplateManifest manifest = found.get();
    return creation.create(
        slug ->
            new ReplRecord(
                slug,
                manifest.name(),
                owner,
                ReplState.CREATING,
                null,
                clock.instant(),
                clock.instant(),
                manifest.limits(),
                settings.visibility(),
                settings.labels(),
                settings.timeout() == null
                    ? null
                    : Lifetime.startingAt(
                        clock.instant(), settings.timeout(), settings.onTimeout()),
                settings.title(),
                settings.description()),
        capped,
        slug ->
            copies.copy(
                StorageLayout.template(manifest.name()),
                StorageLayout.replFiles(slug),
                relative -> !relative.equals(TemplateManifest.FILE_NAME)),
        "template " + template);
  }

  /**
   * Forks a repl into a new, stopped one of {@code owner}'s ({@link ReplForks}): same template, limits and
   * visibility, a copy of its stored files, never its secrets.
   *
   * @param capped refuse with {@code 429 repl_limit} when the owner would have more than {@link Quotas#maxRepls}
   */
  public Future<ReplRecord> fork(
      String slug, String owner, String title, String description, boolean capped) {
    return forks.fork(slug, owner, title, description, capped);
  }

  public Future<List<ReplRecord>> list() {
    return registry.list();
  }

  public Future<ReplRecord> get(String slug) {
    return registry.get(slug);
  }

  /** Makes the repl's preview public or private ({@link ReplChanges}). */
  public Future<ReplRecord> setVisibility(String slug, Visibility visibility) {
    return changes.setVisibility(slug, visibility);
  }

  /** Replaces the repl's labels ({@link ReplChanges}). */
  public Future<ReplRecord> setLabels(String slug, Map<String, String> labels) {
    return changes.setLabels(slug, labels);
  }

  /** Turns the repl's "fork me" link on or off ({@link ReplChanges}). */
  public Future<ReplRecord> setForkable(String slug, boolean forkable) {
    return changes.setForkable(slug, forkable);
  }

  /** Gives the repl a title and a description (null: none) ({@link ReplChanges}). */
  public Future<ReplRecord> setNames(String slug, String title, String description) {
    return changes.setNames(slug, title, description);
  }

  /**
   * Shares the repl with {@code account} as {@code role} (an editor or a viewer), or stops sharing it when {@code role}
   * is null ({@link ReplChanges}).
   */
  public Future<ReplRecord> setCollaborator(String slug, String account, ReplRole role) {
    return changes.setCollaborator(slug, account, role);
  }

  /** Notes that the repl is being used now; moves its last-active time at most once a minute. */
  public Future<ReplRecord> touch(String slug) {
    return changes.touch(slug);
  }

  /** Gives the repl a timeout counted from now, or none ({@link ReplChanges}). */
  public Future<ReplRecord> setTimeout(
      String slug, Duration timeout, Lifetime.OnTimeout onTimeout) {
    return changes.setTimeout(slug, timeout, onTimeout);
  }

  /** Starts the repl if it is not running; completes when it runs. No cap applies (failover, drain). */
  public Future<ReplRecord> start(String slug) {
    return start(slug, false);
  }

  /**
   * Starts the repl if it is not running; completes when it runs.
   *
   * @param capped refuse with {@code 429 running_limit} when more than {@link Quotas#maxRunning} repls of its owner
   *               would run or be starting
   */
  public Future<ReplRecord> start(String slug, boolean capped) {
    return starter.start(slug, capped);
  }

  /**
   * Settles a repl left in a transition by a scheduler that died in the middle of it: running if a live node has
   * its route, stopped otherwise.
   */
  public Future<ReplRecord> settle(String slug, ReplState stuckIn) {
    return registry
        .runsOnLiveNode(slug)
        .compose(
            runs ->
                cluster
                    .repls()
                    .update(
                        slug,
                        current ->
                            current == null || current.state() != stuckIn
                                ? null
                                : current.withState(
                                    runs ? ReplState.RUNNING : ReplState.STOPPED,
                                    runs ? current.nodeId() : null,
                                    clock.instant())));
  }

  /** When placement last found no node; the fleet signal asks for more nodes for a while after. */
  public Instant lastPlacementFailure() {
    return starter.lastPlacementFailure();
  }

  /** Stops the repl if it runs; completes when its files are flushed and its container is gone. */
  public Future<ReplRecord> stop(String slug) {
    return stopReporting(slug).map(Stopped::repl);
  }

  /** A stopped repl and the workspace paths its node could not store. */
  public record Stopped(ReplRecord repl, List<NodeClient.Unsaved> unsaved) {}

  /** {@link #stop}, with what could not be stored. */
  public Future<Stopped> stopReporting(String slug) {
    return stop(slug, registry.deadline());
  }

  private Future<Stopped> stop(String slug, long deadline) {
    return registry
        .get(slug)
        .compose(
            record -> {
              if (record.state().isBusy())
                return registry.afterBusy(slug, deadline).compose(r -> stop(slug, deadline));
              if (record.state() == ReplState.STOPPED)
                return Future.succeededFuture(new Stopped(record, List.of()));
              return registry
                  .transition(slug, record.state(), ReplState.STOPPING, record.nodeId())
                  .compose(
                      claimed -> {
                        if (!claimed) return stop(slug, deadline);
                        Future<NodeInfo> node =
                            record.nodeId() == null
                                ? Future.succeededFuture()
                                : cluster.nodes().get(record.nodeId());
                        // A node whose member left the cluster cannot be asked; its entry may
                        // outlive it for a while.
                        return node.compose(
                                n ->
                                    n == null || !cluster.isAlive(n)
                                        ? cluster
                                            .routes()
                                            .remove(slug)
                                            .map(v -> List.<NodeClient.Unsaved>of())
                                        : nodes.stop(n, slug))
                            .compose(
                                unsaved -> {
                                  if (!unsaved.isEmpty()) {
                                    LOG.warn(
                                        "{} stopped without storing {} paths, e.g. {}",
                                        slug,
                                        unsaved.size(),
                                        unsaved.get(0));
                                  }
                                  return registry
                                      .finish(slug, ReplState.STOPPED, null)
                                      .map(r -> new Stopped(r, unsaved));
                                })
                            .recover(
                                err ->
                                    registry
                                        .finish(slug, record.state(), record.nodeId())
                                        .transform(ignored -> Future.failedFuture(err)));
                      });
            });
  }

  /** Stops the repl, then deletes its files and metadata for good. */
  public Future<Void> delete(String slug) {
    return stop(slug)
        .compose(stopped -> registry.blocking(() -> store.deletePrefix(StorageLayout.repl(slug))))
        .compose(count -> cluster.repls().remove(slug))
        .compose(v -> cluster.routes().remove(slug))
        .compose(v -> cluster.activity().remove(slug))
        .onSuccess(v -> LOG.info("deleted {}", slug));
  }
}
