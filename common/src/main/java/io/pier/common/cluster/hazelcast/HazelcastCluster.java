package io.pier.common.cluster.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.MeterRegistry;
import io.pier.common.cluster.ClusterConfig;
import io.pier.common.cluster.ClusterState;
import io.pier.common.cluster.Membership;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.UUID;

/**
 * A clustered Vert.x whose cluster manager is Hazelcast: the one place that knows Pier's cluster is Hazelcast.
 */
public final class HazelcastCluster {
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
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(config));
    VertxOptions options =
        new VertxOptions()
            // Vert.x keeps metrics backends by registry name; a name of its own keeps services
            // sharing a JVM (tests) apart.
            .setMetricsOptions(
                new MicrometerMetricsOptions()
                    .setEnabled(true)
                    .setRegistryName("pier-" + UUID.randomUUID()))
            .setEventBusOptions(
                new EventBusOptions().setHost(config.host()).setClusterPublicHost(config.host()));
    return Vertx.builder()
        .with(options)
        .withMetrics(new MicrometerMetricsFactory(registry))
        .withClusterManager(manager)
        .buildClustered()
        .map(vertx -> new HazelcastCluster(vertx, manager.getHazelcastInstance()));
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
    hz.setProperty("hazelcast.tcp.join.port.try.count", "10");
    // Every map Pier uses (no map has a configuration of its own) keeps its entries on this many
    // other members.
    hz.getMapConfig("default").setBackupCount(config.backups());
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
