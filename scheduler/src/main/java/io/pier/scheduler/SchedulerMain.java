package io.pier.scheduler;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.auth.ApiKeyTable;
import io.pier.common.auth.EnvCipher;
import io.pier.common.auth.Revocations;
import io.pier.common.auth.SandboxAccessTokens;
import io.pier.common.auth.TokenSigner;
import io.pier.common.cluster.ClusterState;
import io.pier.common.cluster.hazelcast.HazelcastCluster;
import io.pier.common.config.ConfigException;
import io.pier.common.config.Env;
import io.pier.common.config.Mains;
import io.pier.common.http.OriginPolicy;
import io.pier.common.http.ServiceMetrics;
import io.pier.common.repl.ReplEnvStore;
import io.pier.common.repl.Slugs;
import io.pier.common.store.ObjectStore;
import io.pier.common.store.s3.S3ObjectStore;
import io.pier.common.template.TemplateCatalog;
import io.pier.scheduler.api.AccountDeletion;
import io.pier.scheduler.api.AccountUsageRoutes;
import io.pier.scheduler.api.ApiContract;
import io.pier.scheduler.api.ApiKeysRoutes;
import io.pier.scheduler.api.SchedulerApi;
import io.pier.scheduler.auth.AccountList;
import io.pier.scheduler.auth.Accounts;
import io.pier.scheduler.auth.ApiKeys;
import io.pier.scheduler.auth.AuthApi;
import io.pier.scheduler.auth.PreviewSignIn;
import io.pier.scheduler.auth.RateLimiter;
import io.pier.scheduler.auth.StoredRevocations;
import io.pier.scheduler.e2b.E2bApi;
import io.pier.scheduler.node.HttpNodeClient;
import io.pier.scheduler.node.NodeClient;
import io.pier.scheduler.placement.BestOfKPlacement;
import io.pier.scheduler.placement.Checks;
import io.pier.scheduler.placement.LoadScorer;
import io.pier.scheduler.placement.NodeRoom;
import io.pier.scheduler.placement.NodeTableFeed;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.client.WebClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a scheduler from environment variables (see the README's configuration table): the one place where its
 * parts are built and wired.
 */
public final class SchedulerMain {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerMain.class);

  /** Two random choices: see {@link BestOfKPlacement} for why not the global best. */
  private static final int PLACEMENT_CHOICES = 2;

  /** Sign-in attempts per username and minute: slows guessing a password to a crawl, a typo costs nothing. */
  private static final int SIGN_INS_PER_MINUTE = 10;

  private SchedulerMain() {}

  public static void main(String[] args) throws Exception {
    Mains.nameInLogs("scheduler");
    SchedulerConfig config =
        Mains.configOrExit("scheduler", () -> SchedulerConfig.fromEnv(Env.system()));
    TemplateCatalog templates =
        Mains.configOrExit(
            "scheduler",
            () -> {
              try {
                return TemplateCatalog.load(config.templatesDir());
              } catch (IllegalArgumentException e) {
                throw new ConfigException("PIER_TEMPLATES_DIR: " + e.getMessage());
              }
            });
    Mains.runUntilStopped(LOG, "scheduler", start(config, templates));
  }

  /** A started scheduler with what it owns. */
  public record Running(Scheduler scheduler, HazelcastCluster cluster, S3ObjectStore store)
      implements AutoCloseable {
    /** Stops serving and leaves the cluster. Call from a non-Vert.x thread. */
    @Override
    public void close() {
      try {
        Mains.await(scheduler.stop(), Duration.ofSeconds(30));
      } finally {
        Mains.await(cluster.close(), Duration.ofSeconds(30));
        store.close();
      }
    }
  }

  /** Wires and starts a scheduler with the real cluster, storage and node client. */
  public static Future<Running> start(SchedulerConfig config, TemplateCatalog localTemplates) {
    TemplateCatalog templates = localTemplates.withImages(config.imageSet());
    if (!config.imageSet().isEmpty())
      LOG.info("runner images pinned by PIER_IMAGE_SET: {}", config.imageSet().entries());
    PrometheusMeterRegistry metrics = ServiceMetrics.create("scheduler");
    S3ObjectStore store = new S3ObjectStore(config.s3());
    return HazelcastCluster.join(config.cluster(), metrics)
        .compose(
            cluster ->
                ApiContract.load(cluster.vertx())
                    .compose(
                        contract ->
                            wire(
                                    cluster.vertx(),
                                    config,
                                    cluster.state(),
                                    store,
                                    templates,
                                    metrics,
                                    contract)
                                .start())
                    .map(s -> new Running(s, cluster, store))
                    .recover(err -> cluster.close().transform(v -> Future.failedFuture(err))));
  }

  private static Scheduler wire(
      Vertx vertx,
      SchedulerConfig config,
      ClusterState cluster,
      ObjectStore store,
      TemplateCatalog templates,
      PrometheusMeterRegistry metrics,
      ApiContract contract) {
    Clock clock = Clock.systemUTC();
    SecureRandom random = new SecureRandom();
    SchedulerConfig.AuthSettings auth = config.auth();
    Revocations revocations = Revocations.following(vertx, cluster.revocations(), clock);
    // API keys are checked against a local table that follows the cluster map of keys.
    ApiKeyTable keyTable = ApiKeyTable.following(vertx, cluster.apiKeys(), clock);
    TokenSigner tokens = new TokenSigner(auth.secret(), clock, revocations, keyTable);

    // Placement reads the fleet from a local table that follows the node and reservation maps.
    NodeRoom room = new NodeRoom(cluster, clock, NodeTableFeed.following(vertx, cluster));
    NodeClient nodes = new HttpNodeClient(WebClient.create(vertx), config.nodeTimeout(), tokens);
    ReplRegistry registry = new ReplRegistry(vertx, cluster, store, clock, config.busyWait());
    ReplService.Quotas quotas =
        new ReplService.Quotas(auth.maxReplsPerUser(), auth.maxRunningPerUser());
    ReplStarter starter =
        new ReplStarter(
            registry,
            templates,
            new BestOfKPlacement(
                Checks.standard(clock, config.nodeStaleAfter(), cluster::isAlive),
                new LoadScorer(),
                PLACEMENT_CHOICES,
                // Placement's draws need no secrecy and run on every event loop at once (a walk
                // over a nearly
                // full fleet draws thousands): each thread's own generator, not the shared
                // SecureRandom.
                () -> ThreadLocalRandom.current().nextLong()),
            nodes,
            room,
            clock,
            quotas,
            metrics);
    // Creates and forks copy objects inside storage on workers of their own: a large fork does not
    // take the
    // threads that sign-ins and storage reads need.
    WorkerExecutor copyWorkers =
        vertx.createSharedWorkerExecutor(StorageCopy.POOL, StorageCopy.PARALLEL);
    ReplService repls =
        new ReplService(
            cluster,
            store,
            templates,
            nodes,
            registry,
            starter,
            new Slugs(random),
            clock,
            quotas,
            new StorageCopy(store, work -> copyWorkers.executeBlocking(work, false)),
            metrics);
    FleetKeeper keeper =
        new FleetKeeper(vertx, cluster, repls, room, config.fleet(), clock, metrics);

    // A revocation holds as long as the longest token it can refuse (sign-in, preview cookie), plus
    // clock differences.
    StoredRevocations revoker =
        new StoredRevocations(vertx, store, revocations, auth.tokenTtl().plusHours(1), clock);
    Accounts accounts =
        new Accounts(
            vertx,
            store,
            cluster.accounts(),
            auth.admins(),
            auth.signupOpen(),
            auth.setupToken(),
            clock);
    ApiKeys apiKeys =
        new ApiKeys(vertx, store, cluster.apiKeys(), keyTable, accounts, clock, random);
    RateLimiter logins = new RateLimiter(SIGN_INS_PER_MINUTE, Duration.ofMinutes(1), clock);
    AuthApi authApi =
        new AuthApi(
            accounts,
            tokens,
            revoker,
            apiKeys,
            auth.tokenTtl(),
            "https".equals(config.publicUrl().getScheme()),
            new OriginPolicy(config.publicUrl(), auth.allowedOrigins()),
            logins);
    Gauge.builder("pier.auth.login.limiter.keys", logins, RateLimiter::size)
        .description("Usernames the sign-in limiter tracks now (bounded)")
        .register(metrics);
    Gauge.builder("pier.auth.revocations", revocations, Revocations::size)
        .description("Accounts whose earlier tokens are revoked (sign-out, role change)")
        .register(metrics);
    Gauge.builder("pier.auth.api_keys", keyTable, ApiKeyTable::size)
        .description("API keys in this service's table (every account's)")
        .register(metrics);
    // One limit of new repls per account, whichever API makes them.
    RateLimiter creations = new RateLimiter(auth.createPerMinute(), Duration.ofMinutes(1), clock);
    ReplEnvStore environments = new ReplEnvStore(store, new EnvCipher(auth.secret()));
    SchedulerApi api =
        new SchedulerApi(
            repls,
            new NodeDrain(cluster, nodes, repls),
            templates,
            cluster,
            keeper,
            authApi,
            new ApiKeysRoutes(apiKeys, clock),
            new AccountUsageRoutes(new AccountList(vertx, store, accounts), repls),
            new AccountDeletion(repls),
            new PreviewSignIn(authApi, tokens, repls::get, config::previewUrl),
            creations,
            config::previewUrl,
            config::ideUrl,
            environments,
            contract);
    E2bApi e2b =
        new E2bApi(
            vertx,
            repls,
            templates,
            environments,
            tokens,
            new SandboxAccessTokens(auth.secret()),
            creations,
            config.domain(),
            clock);
    return new Scheduler(
        vertx,
        config,
        cluster,
        store,
        templates,
        new RegistryRecovery(vertx, cluster, store),
        keeper,
        revoker,
        accounts,
        apiKeys,
        api,
        e2b,
        tokens,
        metrics);
  }
}
