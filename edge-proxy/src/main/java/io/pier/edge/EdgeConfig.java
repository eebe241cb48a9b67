package io.pier.edge;

import io.pier.common.cluster.ClusterConfig;
import io.pier.common.config.Env;
import io.pier.common.http.OriginPolicy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The edge-proxy's settings.
 *
 * @param bindHost       address to listen on; 127.0.0.1 unless the operator opens it up
 * @param schedulerUrls  fixed scheduler API URLs; when empty, schedulers are found through the cluster
 * @param wakeTimeout    how long a preview request for a stopped repl waits while it is started; zero: no waking
 * @param tls            serve HTTPS with this certificate and key; null for plain HTTP only
 * @param access         origins and private previews
 * @param capacity       limits, pools and timeouts: how much the edge takes on and how long it waits
 */
public record EdgeConfig(
    String bindHost,
    int port,
    String domain,
    List<String> schedulerUrls,
    Duration wakeTimeout,
    String authSecret,
    ClusterConfig cluster,
    Tls tls,
    Access access,
    Capacity capacity) {

  public EdgeConfig(
      String bindHost,
      int port,
      String domain,
      List<String> schedulerUrls,
      Duration wakeTimeout,
      String authSecret,
      ClusterConfig cluster,
      Tls tls,
      Access access) {
    this(
        bindHost,
        port,
        domain,
        schedulerUrls,
        wakeTimeout,
        authSecret,
        cluster,
        tls,
        access,
        Capacity.defaults());
  }

  /** The same settings with other limits, pools and timeouts. */
  public EdgeConfig withCapacity(Capacity other) {
    return new EdgeConfig(
        bindHost,
        port,
        domain,
        schedulerUrls,
        wakeTimeout,
        authSecret,
        cluster,
        tls,
        access,
        other);
  }

  /**
   * What the edge takes on at once, and how long it waits for anything (docs/operations.md, "Edge limits").
   * WebSockets (IDE sessions and previews' own) are relayed over connections of their own, never from a pool; a
   * limit that is reached is answered at once (429 or 503, a JSON body naming the limit, and {@code Retry-After}).
   *
   * @param sessionsTotal          IDE sessions relayed by this edge at once (pending upgrades included)
   * @param sessionsPerUser        IDE sessions of one account at once
   * @param sessionsPerRepl        IDE sessions of one repl at once
   * @param previewSocketsTotal    previews' WebSockets relayed at once
   * @param previewSocketsPerRepl  one preview's WebSockets at once
   * @param previewPool            HTTP connections to one repl's app (its port), kept alive and reused
   * @param previewQueue           preview requests waiting for one of those connections; past it: 503
   * @param apiPool                HTTP connections to one scheduler
   * @param apiQueue               API requests waiting for one of those; past it: 503
   * @param sandboxPool            HTTP connections to one node-agent for E2B's sandbox hosts ({@code <port>-<slug>}):
   *                               the in-sandbox API's long streams and requests to sandboxes' ports each hold one
   * @param sandboxQueue           such requests waiting for one of those; past it: 503
   * @param connectTimeout         to open a TCP connection to a node-agent, an app or a scheduler, or to wait in a
   *                               pool's queue for one
   * @param upgradeTimeout         from asking the node-agent or app for a WebSocket to its answer
   * @param responseTimeout        an HTTP request's origin may stay silent this long (before or during its answer)
   * @param idleTimeout            a client's connection, or a relayed WebSocket, with no byte either way this long
   *                               is closed (IDE sessions get a keepalive event every 25 s)
   */
  public record Capacity(
      int sessionsTotal,
      int sessionsPerUser,
      int sessionsPerRepl,
      int previewSocketsTotal,
      int previewSocketsPerRepl,
      int previewPool,
      int previewQueue,
      int apiPool,
      int apiQueue,
      int sandboxPool,
      int sandboxQueue,
      Duration connectTimeout,
      Duration upgradeTimeout,
      Duration responseTimeout,
      Duration idleTimeout) {
    public static Capacity defaults() {
      return new Capacity(
          2000,
          20,
          100,
          2000,
          200,
          32,
          256,
          32,
          256,
          256,
          256,
          Duration.ofSeconds(5),
          Duration.ofSeconds(15),
          Duration.ofSeconds(120),
          Duration.ofSeconds(300));
    }

    /** The same with other session limits (tests and benchmarks). */
    public Capacity withSessions(int total, int perUser, int perRepl) {
      return new Capacity(
          total,
          perUser,
          perRepl,
          previewSocketsTotal,
          previewSocketsPerRepl,
          previewPool,
          previewQueue,
          apiPool,
          apiQueue,
          sandboxPool,
          sandboxQueue,
          connectTimeout,
          upgradeTimeout,
          responseTimeout,
          idleTimeout);
    }

    /** The same with other pool sizes and queues (tests). */
    public Capacity withPools(int preview, int previewWaiting, int api, int apiWaiting) {
      return new Capacity(
          sessionsTotal,
          sessionsPerUser,
          sessionsPerRepl,
          previewSocketsTotal,
          previewSocketsPerRepl,
          preview,
          previewWaiting,
          api,
          apiWaiting,
          sandboxPool,
          sandboxQueue,
          connectTimeout,
          upgradeTimeout,
          responseTimeout,
          idleTimeout);
    }

    /** The same with other timeouts (tests). */
    public Capacity withTimeouts(
        Duration connect, Duration upgrade, Duration response, Duration idle) {
      return new Capacity(
          sessionsTotal,
          sessionsPerUser,
          sessionsPerRepl,
          previewSocketsTotal,
          previewSocketsPerRepl,
          previewPool,
          previewQueue,
          apiPool,
          apiQueue,
          sandboxPool,
          sandboxQueue,
          connect,
          upgrade,
          response,
          idle);
    }

    static Capacity fromEnv(Env env) {
      Capacity d = defaults();
      int total = env.atLeast("PIER_EDGE_MAX_SESSIONS", d.sessionsTotal(), 1);
      int perUser = env.atLeast("PIER_EDGE_MAX_SESSIONS_PER_USER", d.sessionsPerUser(), 1);
      int perRepl = env.atLeast("PIER_EDGE_MAX_SESSIONS_PER_REPL", d.sessionsPerRepl(), 1);
      int previewTotal = env.atLeast("PIER_EDGE_MAX_PREVIEW_SOCKETS", d.previewSocketsTotal(), 1);
      int previewPerRepl =
          env.atLeast("PIER_EDGE_MAX_PREVIEW_SOCKETS_PER_REPL", d.previewSocketsPerRepl(), 1);
      if (perUser > total)
        env.problem(
            "PIER_EDGE_MAX_SESSIONS_PER_USER ("
                + perUser
                + ") cannot be more than PIER_EDGE_MAX_SESSIONS ("
                + total
                + ")");
      if (perRepl > total)
        env.problem(
            "PIER_EDGE_MAX_SESSIONS_PER_REPL ("
                + perRepl
                + ") cannot be more than PIER_EDGE_MAX_SESSIONS ("
                + total
                + ")");
      if (previewPerRepl > previewTotal)
        env.problem(
            "PIER_EDGE_MAX_PREVIEW_SOCKETS_PER_REPL ("
                + previewPerRepl
                + ") cannot be more than PIER_EDGE_MAX_PREVIEW_SOCKETS ("
                + previewTotal
                + ")");
      return new Capacity(
          total,
          perUser,
          perRepl,
          previewTotal,
          previewPerRepl,
          env.atLeast("PIER_EDGE_PREVIEW_POOL", d.previewPool(), 1),
          env.atLeast("PIER_EDGE_PREVIEW_QUEUE", d.previewQueue(), 0),
          env.atLeast("PIER_EDGE_API_POOL", d.apiPool(), 1),
          env.atLeast("PIER_EDGE_API_QUEUE", d.apiQueue(), 0),
          env.atLeast("PIER_EDGE_SANDBOX_POOL", d.sandboxPool(), 1),
          env.atLeast("PIER_EDGE_SANDBOX_QUEUE", d.sandboxQueue(), 0),
          Duration.ofMillis(
              env.atLeast(
                  "PIER_EDGE_CONNECT_TIMEOUT_MS", (int) d.connectTimeout().toMillis(), 100)),
          Duration.ofSeconds(
              env.atLeast("PIER_EDGE_UPGRADE_TIMEOUT_S", (int) d.upgradeTimeout().toSeconds(), 1)),
          Duration.ofSeconds(
              env.atLeast(
                  "PIER_EDGE_RESPONSE_TIMEOUT_S", (int) d.responseTimeout().toSeconds(), 1)),
          // Longer than the session keepalive (25 s), or idle IDE tabs would be cut and reconnect
          // all the time.
          Duration.ofSeconds(
              env.atLeast("PIER_EDGE_IDLE_TIMEOUT_S", (int) d.idleTimeout().toSeconds(), 30)));
    }
  }

  /**
   * HTTPS on {@code port} with a PEM certificate (a wildcard for {@code *.<domain>} and the domain itself) and key;
   * the plain port then only redirects to it.
   */
  public record Tls(Path certificate, Path key, int port) {}

  /**
   * @param publicUrl         the URL users reach Pier at, or null: then the apex is the domain at the scheme and port
   *                          the request came in on
   * @param allowedOrigins    origins besides the apex's own that may send cookie-carrying requests to the apex
   * @param previewCookieTtl  how long a private preview's cookie lasts before the browser is sent to sign in again
   */
  public record Access(URI publicUrl, List<String> allowedOrigins, Duration previewCookieTtl) {
    public static Access defaults() {
      return new Access(null, List.of(), Duration.ofHours(12));
    }
  }

  public EdgeConfig(
      String bindHost,
      int port,
      String domain,
      List<String> schedulerUrls,
      Duration wakeTimeout,
      String authSecret,
      ClusterConfig cluster) {
    this(
        bindHost,
        port,
        domain,
        schedulerUrls,
        wakeTimeout,
        authSecret,
        cluster,
        null,
        Access.defaults());
  }

  public EdgeConfig(
      String bindHost,
      int port,
      String domain,
      List<String> schedulerUrls,
      Duration wakeTimeout,
      String authSecret,
      ClusterConfig cluster,
      Tls tls) {
    this(
        bindHost,
        port,
        domain,
        schedulerUrls,
        wakeTimeout,
        authSecret,
        cluster,
        tls,
        Access.defaults());
  }

  private static Tls tls(Env env) {
    String cert = env.string("PIER_TLS_CERT", null);
    String key = env.string("PIER_TLS_KEY", null);
    if (cert == null && key == null) return null;
    if (cert == null || key == null) {
      env.problem("PIER_TLS_CERT and PIER_TLS_KEY must be set together");
      return null;
    }
    if (!Files.isReadable(Path.of(cert))) env.problem("PIER_TLS_CERT: cannot read " + cert);
    if (!Files.isReadable(Path.of(key))) env.problem("PIER_TLS_KEY: cannot read " + key);
    return new Tls(Path.of(cert), Path.of(key), env.port("PIER_EDGE_TLS_PORT", 8443));
  }

  private static Access access(Env env) {
    return new Access(
        env.url("PIER_PUBLIC_URL", null),
        OriginPolicy.allowedOrigins(env),
        Duration.ofHours(env.atLeast("PIER_TOKEN_TTL_H", 12, 1)));
  }

  public static EdgeConfig fromEnv(Env env) {
    EdgeConfig config =
        new EdgeConfig(
            env.string("PIER_EDGE_BIND_HOST", "127.0.0.1"),
            env.port("PIER_EDGE_PORT", 8080),
            env.string("PIER_DOMAIN", "pier.localhost"),
            env.list("PIER_SCHEDULER_URLS", ""),
            Duration.ofSeconds(env.integer("PIER_WAKE_TIMEOUT_S", 60)),
            env.secret("PIER_AUTH_SECRET"),
            ClusterConfig.fromEnv(env, true),
            tls(env),
            access(env),
            Capacity.fromEnv(env));
    config.cluster().checkNotAJoinPort(env, "PIER_EDGE_PORT", config.port());
    if (config.tls() != null)
      config.cluster().checkNotAJoinPort(env, "PIER_EDGE_TLS_PORT", config.tls().port());
    env.check();
    return config;
  }
}
