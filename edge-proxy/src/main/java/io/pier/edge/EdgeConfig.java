package io.pier.edge;

import io.pier.common.cluster.ClusterConfig;
import io.pier.common.config.Env;
import java.util.List;

/**
 * The edge-proxy's settings.
 *
 * @param bindHost      address to listen on; 127.0.0.1 unless the operator opens it up
 * @param schedulerUrls fixed scheduler API URLs; when empty, schedulers are found through the cluster
 */
public record EdgeConfig(String bindHost, int port, String domain, List<String> schedulerUrls, ClusterConfig cluster) {

  public static EdgeConfig fromEnv(Env env) {
    EdgeConfig config = new EdgeConfig(env.string("PIER_EDGE_BIND_HOST", "127.0.0.1"), env.port("PIER_EDGE_PORT", 8080),
        env.string("PIER_DOMAIN", "pier.localhost"), env.list("PIER_SCHEDULER_URLS", ""),
        ClusterConfig.fromEnv(env, true));
    env.check();
    return config;
  }
}
