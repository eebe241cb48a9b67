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
 */
public record ClusterConfig(String name, List<String> members, String host, int port, boolean lite) {

  public static ClusterConfig fromEnv(Env env, boolean lite) {
    return new ClusterConfig(env.string("PIER_CLUSTER_NAME", "pier"),
        env.list("PIER_CLUSTER_MEMBERS", "127.0.0.1"), env.string("PIER_CLUSTER_HOST", "127.0.0.1"),
        env.port("PIER_CLUSTER_PORT", 5701), lite);
  }
}
