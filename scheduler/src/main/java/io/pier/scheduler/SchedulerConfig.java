package io.pier.scheduler;

import io.pier.common.cluster.ClusterConfig;
import io.pier.common.config.Env;
import io.pier.common.http.OriginPolicy;
import io.pier.common.image.ImageSet;
import io.pier.common.store.s3.S3Config;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The scheduler's settings.
 *
 * @param publicUrl  the URL users reach Pier at (the edge-proxy), such as {@code http://pier.localhost:8080};
 *                   previews are at its scheme and port with {@code <slug>.} before the domain
 * @param busyWait   how long a start or stop waits for another transition of the same repl to finish
 * @param nodeStaleAfter a node whose last heartbeat is older is not placed on
 * @param imageSet   the fleet's pinned runner images ({@code PIER_IMAGE_SET}): a template's image name is placed and
 *                   started as the image the set pins, so a repl goes only to nodes that have that exact image
 */
public record SchedulerConfig(
    String bindHost,
    int port,
    String advertiseHost,
    String domain,
    URI publicUrl,
    Path templatesDir,
    Duration busyWait,
    Duration nodeTimeout,
    Duration nodeStaleAfter,
    FleetKeeper.Settings fleet,
    AuthSettings auth,
    ClusterConfig cluster,
    S3Config s3,
    ImageSet imageSet) {

  /** A configuration without an image set: templates' image names are placed and run as they are. */
  public SchedulerConfig(
      String bindHost,
      int port,
      String advertiseHost,
      String domain,
      URI publicUrl,
      Path templatesDir,
      Duration busyWait,
      Duration nodeTimeout,
      Duration nodeStaleAfter,
      FleetKeeper.Settings fleet,
      AuthSettings auth,
      ClusterConfig cluster,
      S3Config s3) {
    this(
        bindHost,
        port,
        advertiseHost,
        domain,
        publicUrl,
        templatesDir,
        busyWait,
        nodeTimeout,
        nodeStaleAfter,
        fleet,
        auth,
        cluster,
        s3,
        ImageSet.EMPTY);
  }

  /**
   * @param secret           signs and checks tokens; every Pier service has the same one (a comma-separated list during
   *                         a rotation: the first signs, all verify)
   * @param admins           usernames that administer the fleet (nodes, drain, every repl) when they sign in; signing
   *                         up under one needs the setup token
   * @param createPerMinute  new repls a user may make a minute
   * @param allowedOrigins   origins, besides Pier's own, whose pages may send cookie-carrying requests that change state
   * @param setupToken       the one-time token whose sign-up becomes the first administrator; null: none
   * @param maxReplsPerUser  repls one account may have; administrators are exempt
   * @param maxRunningPerUser repls of one account that may run (or be starting) at once; administrators are exempt
   */
  public record AuthSettings(
      String secret,
      Duration tokenTtl,
      Set<String> admins,
      boolean signupOpen,
      int createPerMinute,
      List<String> allowedOrigins,
      String setupToken,
      int maxReplsPerUser,
      int maxRunningPerUser) {
    /** Settings as code builds them (tests): no setup token and no caps per user. */
    public AuthSettings(
        String secret,
        Duration tokenTtl,
        Set<String> admins,
        boolean signupOpen,
        int createPerMinute) {
      this(
          secret,
          tokenTtl,
          admins,
          signupOpen,
          createPerMinute,
          List.of(),
          null,
          Integer.MAX_VALUE,
          Integer.MAX_VALUE);
    }

    public static AuthSettings fromEnv(Env env) {
      List<String> origins = OriginPolicy.allowedOrigins(env);
      String setupToken = env.string("PIER_SETUP_TOKEN", null);
      if (setupToken != null && setupToken.length() < 16) {
        env.problem(
            "PIER_SETUP_TOKEN must have at least 16 characters (e.g. openssl rand -hex 16), or be unset");
      }
      int maxRepls = env.atLeast("PIER_MAX_REPLS_PER_USER", 20, 1);
      int maxRunning = env.atLeast("PIER_MAX_RUNNING_PER_USER", 3, 1);
      if (maxRunning > maxRepls) {
        env.problem(
            "PIER_MAX_RUNNING_PER_USER ("
                + maxRunning
                + ") cannot be more than PIER_MAX_REPLS_PER_USER ("
                + maxRepls
                + ")");
      }
      return new AuthSettings(
          env.secret("PIER_AUTH_SECRET"),
          Duration.ofHours(env.atLeast("PIER_TOKEN_TTL_H", 12, 1)),
          Set.copyOf(env.list("PIER_ADMINS", "")),
          env.choice("PIER_SIGNUP", "open", "open", "closed").equals("open"),
          env.atLeast("PIER_CREATE_PER_MINUTE", 30, 1),
          origins,
          setupToken,
          maxRepls,
          maxRunning);
    }
  }

  public static SchedulerConfig fromEnv(Env env) {
    String domain = env.string("PIER_DOMAIN", "pier.localhost");
    int edgePort = env.port("PIER_EDGE_PORT", 8080);
    URI uri = env.url("PIER_PUBLIC_URL", "http://" + domain + ":" + edgePort);
    String advertise = env.string("PIER_SCHEDULER_ADVERTISE_HOST", "127.0.0.1");
    SchedulerConfig config =
        new SchedulerConfig(
            env.string("PIER_SCHEDULER_BIND_HOST", advertise),
            env.port("PIER_SCHEDULER_PORT", 8081),
            advertise,
            domain,
            uri,
            env.path("PIER_TEMPLATES_DIR", "templates"),
            Duration.ofSeconds(env.integer("PIER_REPL_BUSY_WAIT_S", 120)),
            Duration.ofSeconds(env.integer("PIER_NODE_TIMEOUT_S", 180)),
            Duration.ofSeconds(env.integer("PIER_NODE_STALE_S", 8)),
            new FleetKeeper.Settings(
                Duration.ofMillis(env.integer("PIER_FLEET_INTERVAL_MS", 1000)),
                Duration.ofSeconds(env.integer("PIER_IDLE_STOP_S", 900)),
                env.decimal("PIER_FLEET_TARGET_UTILISATION", 0.7),
                env.string("PIER_SCALE_OUT_COMMAND", null),
                Duration.ofSeconds(env.integer("PIER_SCALE_OUT_COOLDOWN_S", 600)),
                Duration.ofSeconds(env.integer("PIER_NODE_STALE_S", 8))),
            AuthSettings.fromEnv(env),
            ClusterConfig.fromEnv(env, false),
            S3Config.fromEnv(env),
            ImageSet.fromEnv(env));
    double target = config.fleet().targetUtilisation();
    if (!(target > 0 && target <= 1))
      env.problem("PIER_FLEET_TARGET_UTILISATION must be in (0, 1], got " + target);
    config.cluster().checkNotAJoinPort(env, "PIER_SCHEDULER_PORT", config.port());
    env.check();
    return config;
  }

  /** Where a repl's app is shared: {@code <scheme>://<slug>.<domain>[:port]/}. */
  public String previewUrl(String slug) {
    return publicUrl.getScheme() + "://" + slug + "." + domain + portSuffix() + "/";
  }

  /** Where a repl's IDE opens. */
  public String ideUrl(String slug) {
    return publicUrl.getScheme() + "://" + publicUrl.getHost() + portSuffix() + "/ide/" + slug;
  }

  public String apiUrl() {
    return "http://" + advertiseHost + ":" + port;
  }

  private String portSuffix() {
    return publicUrl.getPort() < 0 ? "" : ":" + publicUrl.getPort();
  }
}
