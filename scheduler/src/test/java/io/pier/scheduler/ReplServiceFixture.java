package io.pier.scheduler;

import static java.util.concurrent.TimeUnit.SECONDS;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.cluster.ClusterState;
import io.pier.common.cluster.InMemoryStringMap;
import io.pier.common.cluster.Membership;
import io.pier.common.cluster.StringMap;
import io.pier.common.node.NodeInfo;
import io.pier.common.repl.Slugs;
import io.pier.common.store.InMemoryObjectStore;
import io.pier.common.template.TemplateCatalog;
import io.pier.scheduler.placement.BestOfKPlacement;
import io.pier.scheduler.placement.Checks;
import io.pier.scheduler.placement.LoadScorer;
import io.pier.scheduler.placement.NodeRoom;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;

/**
 * A {@link ReplService} over fakes: in-memory cluster maps and bucket, the repository's templates (published),
 * the real placement and a {@link FakeNodeClient}. Close it after use.
 */
public final class ReplServiceFixture implements AutoCloseable {
  public static final Path TEMPLATES = Path.of("..", "templates").toAbsolutePath().normalize();
  public static final Duration STALE_AFTER = Duration.ofSeconds(15);

  public final MutableClock clock = new MutableClock();
  public final Map<String, StringMap> rawMaps = new HashMap<>();
  public final ClusterState cluster;

  /** Cluster members that have left: every other member id counts as in the cluster. */
  public final Set<String> leftMembers = ConcurrentHashMap.newKeySet();

  public final InMemoryObjectStore store = new InMemoryObjectStore();
  public final TemplateCatalog catalog = TemplateCatalog.load(TEMPLATES);
  public final FakeNodeClient nodes;
  public final Vertx vertx = Vertx.vertx();
  public final NodeRoom room;
  public final ReplService service;
  public final NodeDrain drain;
  public final RegistryRecovery recovery;

  public ReplServiceFixture() {
    this(Duration.ofSeconds(2), m -> m);
  }

  /**
   * @param wrapRepls lets a test put a wrapper around the raw {@code pier.repls} map
   */
  public ReplServiceFixture(Duration busyWait, UnaryOperator<StringMap> wrapRepls) {
    this(busyWait, wrapRepls, ReplService.Quotas.NONE);
  }

  /** A fixture whose service applies caps per account to the calls that ask for them. */
  public ReplServiceFixture(ReplService.Quotas quotas) {
    this(Duration.ofSeconds(2), m -> m, quotas);
  }

  public ReplServiceFixture(
      Duration busyWait, UnaryOperator<StringMap> wrapRepls, ReplService.Quotas quotas) {
    cluster =
        new ClusterState(
            name -> {
              StringMap map = new InMemoryStringMap(clock);
              if (name.equals(ClusterState.REPLS)) map = wrapRepls.apply(map);
              rawMaps.put(name, map);
              return map;
            },
            Membership.of(member -> !leftMembers.contains(member)));
    nodes = new FakeNodeClient(cluster);
    new TemplatePublisher(store).publish(catalog);
    room = new NodeRoom(cluster, clock);
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    ReplRegistry registry = new ReplRegistry(vertx, cluster, store, clock, busyWait);
    ReplStarter starter =
        new ReplStarter(
            registry,
            catalog,
            new BestOfKPlacement(
                Checks.standard(clock, STALE_AFTER), new LoadScorer(), 2, new Random(7)),
            nodes,
            room,
            clock,
            quotas,
            metrics);
    service =
        new ReplService(
            cluster,
            store,
            catalog,
            nodes,
            registry,
            starter,
            new Slugs(new SecureRandom()),
            clock,
            quotas,
            new StorageCopy(store, work -> vertx.executeBlocking(work, false)),
            metrics);
    drain = new NodeDrain(cluster, nodes, service);
    recovery = new RegistryRecovery(vertx, cluster, store);
  }

  /** Puts a healthy node with both runner images into the cluster. */
  public NodeInfo addNode(String id) throws Exception {
    NodeInfo node = FakeNodes.node(id, clock.instant()).build();
    await(cluster.nodes().put(id, node));
    return node;
  }

  public static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(5, SECONDS);
  }

  /** The failure of {@code future}, which must fail. */
  public static Throwable failure(Future<?> future) throws Exception {
    try {
      Object value = await(future);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(5, SECONDS);
  }
}
