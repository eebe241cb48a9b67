package io.pier.edge;

import io.pier.common.cluster.ClusterConfig;
import io.pier.common.config.Env;
import java.util.List;

/**
 * The edge-proxy's settings.
 *
 * @param bindHost      address to listen on; 127.0.0.1 unless the operator opens it up
 * @param schedulerUrls fixed scheduler API URLs; when empty, schedulers are found through the cluster
 * @param wakeTimeout   how long a preview request for a stopped repl waits while it is started; zero: no waking
 */
public record EdgeConfig(String bindHost, int port, String domain, List<String> schedulerUrls,
                         java.time.Duration wakeTimeout, String authSecret, ClusterConfig cluster) {

  public static EdgeConfig fromEnv(Env env) {
    EdgeConfig config = new EdgeConfig(env.string("PIER_EDGE_BIND_HOST", "127.0.0.1"), env.port("PIER_EDGE_PORT", 8080),
        env.string("PIER_DOMAIN", "pier.localhost"), env.list("PIER_SCHEDULER_URLS", ""),
        java.time.Duration.ofSeconds(env.integer("PIER_WAKE_TIMEOUT_S", 60)), env.required("PIER_AUTH_SECRET"),
        ClusterConfig.fromEnv(env, true));
    env.check();
    return config;
  }
}
