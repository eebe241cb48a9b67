package io.pier.common.cluster;

import io.pier.common.config.Env;
import java.util.List;

/**
 * How a service joins the Pier cluster.
 *
 * @param name    cluster name; members with another name never join (one per environment, one per test)
 * @param members addresses ({@code host} or {@code host:port}) tried for TCP/IP discovery; multicast is never used
 * @param host    the address this member binds to and advertises
 * @param port    first port tried for this member; the next free one is taken if it is busy
 * @param lite    a lite member takes part in the cluster but holds no map partitions (edge-proxies)
 * @param backups how many other members keep a copy of each map entry ({@code PIER_CLUSTER_BACKUPS}, 1..6): that
 *                many members may be lost at once without losing data. Two by default, so that a member crashing
 *                while another is down for an upgrade loses nothing.
 */
public record ClusterConfig(
    String name, List<String> members, String host, int port, boolean lite, int backups) {
  public static final int DEFAULT_BACKUPS = 2;

  /** Hazelcast keeps at most six backups of a map entry. */
  public static final int MAX_BACKUPS = 6;

  /** How many ports from {@link #port} a member listed without a port is looked for on. */
  public static final int JOIN_PORTS = 10;

  public ClusterConfig {
    if (backups < 1 || backups > MAX_BACKUPS) {
      throw new IllegalArgumentException("backups must be 1.." + MAX_BACKUPS + ", got " + backups);
    }
  }

  public ClusterConfig(String name, List<String> members, String host, int port, boolean lite) {
    this(name, members, host, port, lite, DEFAULT_BACKUPS);
  }

  /**
   * The maps this member keeps a near cache of: a lite member (an edge-proxy) reads a repl's route and record on every
   * request, so it keeps them locally, dropped by the cluster on every change of an entry; a data member holds its
   * own partitions and caches nothing.
   */
  public List<String> nearCachedMaps() {
    return lite ? List.of(ClusterState.ROUTES, ClusterState.REPLS) : List.of();
  }

  /**
   * Whether Vert.x records its per-request HTTP client metrics ({@code vertx_http_client_*}). A lite member (an
   * edge-proxy) relays every preview through its clients, where those metrics cost a tenth of its CPU per request
   * (docs/benchmarks.md, "Edge") and no dashboard reads them; its own request timers, its HTTP server's metrics and its
   * worker pools' gauges ({@code vertx_pool_*}) stay. Its clients' connection pools lose their {@code vertx_pool_*}
   * gauges with the rest, since Vert.x makes them only for a client that has metrics.
   */
  public boolean httpClientMetrics() {
    return !lite;
  }

  /**
   * Records a problem when a service's own port is one the members look for each other on: a listener there that is
   * no member, such as the service's HTTP server, takes the join's connection and never answers, so every member's
   * join waits for minutes (a Vert.x HTTP server there kept a member from joining for over a minute, measured).
   */
  public void checkNotAJoinPort(Env env, String variable, int servicePort) {
    if (servicePort >= port && servicePort < port + JOIN_PORTS) {
      env.problem(
          variable
              + " "
              + servicePort
              + " is one of the ports cluster members look for each other on (PIER_CLUSTER_PORT "
              + port
              + " to "
              + (port + JOIN_PORTS - 1)
              + "): a server there stalls every member's join; move one of them");
    }
  }

  public static ClusterConfig fromEnv(Env env, boolean lite) {
    int backups = env.integer("PIER_CLUSTER_BACKUPS", DEFAULT_BACKUPS);
    if (backups < 1 || backups > MAX_BACKUPS) {
      env.problem("PIER_CLUSTER_BACKUPS must be 1.." + MAX_BACKUPS + ", got " + backups);
      backups = DEFAULT_BACKUPS;
    }
    return new ClusterConfig(
        env.string("PIER_CLUSTER_NAME", "pier"),
        env.list("PIER_CLUSTER_MEMBERS", "127.0.0.1"),
        env.string("PIER_CLUSTER_HOST", "127.0.0.1"),
        env.port("PIER_CLUSTER_PORT", 5701),
        lite,
        backups);
  }
}
