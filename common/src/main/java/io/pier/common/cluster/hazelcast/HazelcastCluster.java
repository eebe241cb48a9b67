package io.pier.common.cluster.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.NearCacheConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.nearcache.NearCacheStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pier.common.cluster.ClusterConfig;
import io.pier.common.cluster.ClusterState;
import io.pier.common.cluster.Membership;
import io.pier.common.cluster.SharedMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.UUID;

/**
 * A clustered Vert.x whose cluster manager is Hazelcast: the one place that knows Pier's cluster is Hazelcast.
 */
public final class HazelcastCluster {
  /** Entries an edge-proxy keeps per near-cached map: the repls with recent traffic. */
  static final int NEAR_CACHE_ENTRIES = 100_000;

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final ClusterState state;

  private HazelcastCluster(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.state =
        new ClusterState(
            name -> new HazelcastStringMap(vertx, hazelcast.getMap(name)),
            new Membership() {
              @Override
              public String self() {
                return hazelcast.getCluster().getLocalMember().getUuid().toString();
              }

              @Override
              public boolean isMember(String memberId) {
                for (Member member : hazelcast.getCluster().getMembers()) {
                  if (member.getUuid().toString().equals(memberId)) return true;
                }
                return false;
              }

              @Override
              public int size() {
                return hazelcast.getCluster().getMembers().size();
              }

              @Override
              public boolean safe() {
                return hazelcast.getPartitionService().isClusterSafe();
              }
            });
  }

  /** Starts a clustered Vert.x that records its metrics in {@code registry}, and joins the cluster. */
  public static Future<HazelcastCluster> join(ClusterConfig config, MeterRegistry registry) {
    return join(config, registry, VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);
  }

  /** As {@link #join(ClusterConfig, MeterRegistry)}, with {@code eventLoops} event loops. */
  public static Future<HazelcastCluster> join(
      ClusterConfig config, MeterRegistry registry, int eventLoops) {
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(config));
    VertxOptions options =
        new VertxOptions()
            .setEventLoopPoolSize(eventLoops)
            // Netty's epoll transport where a service ships it (the edge-proxy), Java NIO
            // elsewhere.
            .setPreferNativeTransport(true)
            // Vert.x keeps metrics backends by registry name; a name of its own keeps services
            // sharing a JVM (tests) apart.
            .setMetricsOptions(metricsOptions(config))
            .setEventBusOptions(
                new EventBusOptions().setHost(config.host()).setClusterPublicHost(config.host()));
    return Vertx.builder()
        .with(options)
        .withMetrics(new MicrometerMetricsFactory(registry))
        .withClusterManager(manager)
        .buildClustered()
        .map(
            vertx -> {
              HazelcastInstance hazelcast = manager.getHazelcastInstance();
              for (String map : config.nearCachedMaps()) nearCacheMeters(hazelcast, map, registry);
              HazelcastCluster cluster = new HazelcastCluster(vertx, hazelcast);
              lastReadMeter(cluster.state().routes(), ClusterState.ROUTES, registry);
              lastReadMeter(cluster.state().repls(), ClusterState.REPLS, registry);
              return cluster;
            });
  }

  private static MicrometerMetricsOptions metricsOptions(ClusterConfig config) {
    MicrometerMetricsOptions metrics =
        new MicrometerMetricsOptions()
            .setEnabled(true)
            .setRegistryName("pier-" + UUID.randomUUID());
    if (!config.httpClientMetrics()) metrics.addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT);
    return metrics;
  }

  /** A near-cached map's entries, hits and misses, as {@code pier_cluster_near_cache_*{map}}. */
  private static void nearCacheMeters(
      HazelcastInstance hazelcast, String name, MeterRegistry registry) {
    IMap<String, String> map = hazelcast.getMap(name);
    Gauge.builder("pier.cluster.near_cache.entries", map, m -> nearCache(m).getOwnedEntryCount())
        .description("Entries of a cluster map kept on this member")
        .tag("map", name)
        .register(registry);
    FunctionCounter.builder("pier.cluster.near_cache.hits", map, m -> nearCache(m).getHits())
        .description("Reads of a cluster map answered from this member's near cache")
        .tag("map", name)
        .register(registry);
    FunctionCounter.builder("pier.cluster.near_cache.misses", map, m -> nearCache(m).getMisses())
        .description("Reads of a cluster map that went to the member owning the entry")
        .tag("map", name)
        .register(registry);
  }

  /** How many values of a map are kept decoded after a read, as {@code pier_cluster_last_read_entries{map}}. */
  private static void lastReadMeter(SharedMap<?> map, String name, MeterRegistry registry) {
    Gauge.builder("pier.cluster.last_read.entries", map, SharedMap::lastReadKept)
        .description(
            "Values of a cluster map kept decoded after a read, at most "
                + ClusterState.LAST_READ_ENTRIES)
        .tag("map", name)
        .register(registry);
  }

  private static NearCacheStats nearCache(IMap<String, String> map) {
    return map.getLocalMapStats().getNearCacheStats();
  }

  static Config hazelcastConfig(ClusterConfig config) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(config.name());
    hz.setLiteMember(config.lite());
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    // Notice a dead member within seconds rather than the default minute: repls on it must move.
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    // A member listed without a port is looked for on this many ports from the first one.
    hz.setProperty("hazelcast.tcp.join.port.try.count", String.valueOf(ClusterConfig.JOIN_PORTS));
    // Every map Pier uses (no map has a configuration of its own) keeps its entries on this many
    // other members.
    hz.getMapConfig("default").setBackupCount(config.backups());
    // A change reaches the near caches at once rather than in batches (every 10 s by default): an
    // edge-proxy must not route to a repl's old address for long after it moved.
    hz.setProperty("hazelcast.map.invalidation.batch.enabled", "false");
    for (String map : config.nearCachedMaps()) {
      hz.getMapConfig(map)
          .setNearCacheConfig(
              new NearCacheConfig(map)
                  .setInvalidateOnChange(true)
                  .setInMemoryFormat(InMemoryFormat.OBJECT)
                  .setEvictionConfig(
                      new EvictionConfig()
                          .setEvictionPolicy(EvictionPolicy.LRU)
                          .setMaxSizePolicy(MaxSizePolicy.ENTRY_COUNT)
                          .setSize(NEAR_CACHE_ENTRIES)));
    }
    NetworkConfig network = hz.getNetworkConfig();
    network.setPort(config.port()).setPortAutoIncrement(true).setPortCount(100);
    network.getInterfaces().setEnabled(true).addInterface(config.host());
    network.getJoin().getMulticastConfig().setEnabled(false);
    network.getJoin().getAutoDetectionConfig().setEnabled(false);
    network.getJoin().getTcpIpConfig().setEnabled(true).setMembers(config.members());
    return hz;
  }

  public Vertx vertx() {
    return vertx;
  }

  public ClusterState state() {
    return state;
  }

  /** Number of members in the cluster now, this one included. */
  public int memberCount() {
    return hazelcast.getCluster().getMembers().size();
  }

  public Future<Void> close() {
    return vertx.close();
  }
}
