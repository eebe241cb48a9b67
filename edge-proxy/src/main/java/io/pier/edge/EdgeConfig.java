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
 * @param tls           serve HTTPS with this certificate and key; null for plain HTTP only
 */
public record EdgeConfig(String bindHost, int port, String domain, List<String> schedulerUrls,
                         java.time.Duration wakeTimeout, String authSecret, ClusterConfig cluster, Tls tls) {

  /**
   * HTTPS on {@code port} with a PEM certificate (a wildcard for {@code *.<domain>} and the domain itself) and key;
   * the plain port then only redirects to it.
   */
  public record Tls(java.nio.file.Path certificate, java.nio.file.Path key, int port) {
  }

  public EdgeConfig(String bindHost, int port, String domain, List<String> schedulerUrls,
                    java.time.Duration wakeTimeout, String authSecret, ClusterConfig cluster) {
    this(bindHost, port, domain, schedulerUrls, wakeTimeout, authSecret, cluster, null);
  }

  private static Tls tls(Env env) {
    String cert = env.string("PIER_TLS_CERT", null);
    String key = env.string("PIER_TLS_KEY", null);
    if (cert == null && key == null) return null;
    if (cert == null || key == null) {
      env.problem("PIER_TLS_CERT and PIER_TLS_KEY must be set together");
      return null;
    }
    if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(cert))) env.problem("PIER_TLS_CERT: cannot read " + cert);
    if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(key))) env.problem("PIER_TLS_KEY: cannot read " + key);
    return new Tls(java.nio.file.Path.of(cert), java.nio.file.Path.of(key), env.port("PIER_EDGE_TLS_PORT", 8443));
  }

  public static EdgeConfig fromEnv(Env env) {
    EdgeConfig config = new EdgeConfig(env.string("PIER_EDGE_BIND_HOST", "127.0.0.1"), env.port("PIER_EDGE_PORT", 8080),
        env.string("PIER_DOMAIN", "pier.localhost"), env.list("PIER_SCHEDULER_URLS", ""),
        java.time.Duration.ofSeconds(env.integer("PIER_WAKE_TIMEOUT_S", 60)), env.required("PIER_AUTH_SECRET"),
        ClusterConfig.fromEnv(env, true), tls(env));
    env.check();
    return config;
  }
}
