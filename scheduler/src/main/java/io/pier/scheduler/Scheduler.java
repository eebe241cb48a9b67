package io.pier.scheduler;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.auth.TokenSigner;
import io.pier.common.cluster.ClusterState;
import io.pier.common.cluster.ClusterState.ServiceEndpoint;
import io.pier.common.http.HttpErrors;
import io.pier.common.http.OpsRoutes;
import io.pier.common.store.ObjectStore;
import io.pier.common.template.TemplateCatalog;
import io.pier.scheduler.api.SchedulerApi;
import io.pier.scheduler.auth.Accounts;
import io.pier.scheduler.auth.ApiKeys;
import io.pier.scheduler.auth.StoredRevocations;
import io.pier.scheduler.e2b.E2bApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scheduler instance: publishes templates, recovers the registry from storage, serves the REST API and
 * announces itself to edge-proxies through the cluster.
 */
public final class Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  private static final Duration ANNOUNCE_EVERY = Duration.ofSeconds(3);

  private final Vertx vertx;
  private final SchedulerConfig config;
  private final ClusterState cluster;
  private final ObjectStore store;
  private final TemplateCatalog templates;
  private final RegistryRecovery recovery;
  private final FleetKeeper keeper;
  private final StoredRevocations revoker;
  private final Accounts accounts;
  private final ApiKeys apiKeys;
  private final SchedulerApi api;
  private final E2bApi e2b;
  private final TokenSigner tokens;
  private final PrometheusMeterRegistry metrics;
  private final ServiceEndpoint endpoint;
  private final AtomicBoolean ready = new AtomicBoolean();
  private HttpServer server;
  private long announceTimer = -1;

  public Scheduler(
      Vertx vertx,
      SchedulerConfig config,
      ClusterState cluster,
      ObjectStore store,
      TemplateCatalog templates,
      RegistryRecovery recovery,
      FleetKeeper keeper,
      StoredRevocations revoker,
      Accounts accounts,
      ApiKeys apiKeys,
      SchedulerApi api,
      E2bApi e2b,
      TokenSigner tokens,
      PrometheusMeterRegistry metrics) {
    this.vertx = vertx;
    this.config = config;
    this.cluster = cluster;
    this.store = store;
    this.templates = templates;
    this.recovery = recovery;
    this.keeper = keeper;
    this.revoker = revoker;
    this.accounts = accounts;
    this.apiKeys = apiKeys;
    this.api = api;
    this.e2b = e2b;
    this.tokens = tokens;
    this.metrics = metrics;
    this.endpoint =
        new ServiceEndpoint(
            "scheduler", UUID.randomUUID().toString().substring(0, 8), config.apiUrl());
  }

  public Future<Scheduler> start() {
    Router router = Router.router(vertx);
    OpsRoutes.mount(router, "scheduler", metrics, ready::get, tokens);
    api.mount(vertx, router);
    e2b.mount(vertx, router);
    router
        .route()
        .handler(
            ctx -> HttpErrors.send(ctx, 404, "not_found", "nothing at " + ctx.request().path()));
    return vertx
        .executeBlocking(
            () -> {
              store.ensureBucket();
              new TemplatePublisher(store).publish(templates);
              return null;
            },
            false)
        .compose(v -> recovery.recover())
        .onSuccess(n -> LOG.info("registry: {} repls recovered from storage", n))
        .compose(n -> revoker.restore())
        .onSuccess(
            n -> {
              if (n > 0) LOG.info("{} token revocations restored from storage", n);
            })
        .compose(n -> apiKeys.restore())
        .onSuccess(
            n -> {
              if (n > 0) LOG.info("{} API keys published from storage", n);
            })
        .compose(n -> adviseOnAdministrators())
        .compose(
            n ->
                vertx
                    .createHttpServer()
                    .requestHandler(router)
                    .listen(config.port(), config.bindHost()))
        .compose(
            s -> {
              server = s;
              return announce();
            })
        .map(
            v -> {
              announceTimer = vertx.setPeriodic(ANNOUNCE_EVERY.toMillis(), t -> announce());
              keeper.start();
              ready.set(true);
              LOG.info(
                  "scheduler {} serving {} templates at {}",
                  endpoint.id(),
                  templates.all().size(),
                  config.apiUrl());
              return this;
            });
  }

  /** Says in the log how the first administrator is made, while nobody has used the setup token. */
  private Future<Void> adviseOnAdministrators() {
    return accounts
        .setupUsed()
        .map(
            used -> {
              if (used) return null;
              if (config.auth().setupToken() != null) {
                LOG.info(
                    "no administrator has been set up yet: sign up with the setup token (PIER_SETUP_TOKEN) as "
                        + "\"setupToken\", or run ./pier admin <username> for an existing account");
              } else if (config.auth().admins().isEmpty()) {
                LOG.info(
                    "no setup token (PIER_SETUP_TOKEN) and no PIER_ADMINS: make an administrator of an existing account "
                        + "with ./pier admin <username>");
              }
              return null;
            });
  }

  public Future<Void> stop() {
    ready.set(false);
    keeper.stop();
    if (announceTimer >= 0) vertx.cancelTimer(announceTimer);
    return cluster
        .services()
        .remove(endpoint.key())
        .eventually(() -> server == null ? Future.succeededFuture() : server.close());
  }

  private Future<Void> announce() {
    return cluster
        .services()
        .put(endpoint.key(), endpoint, ANNOUNCE_EVERY.multipliedBy(4))
        .onFailure(err -> LOG.warn("could not announce the scheduler: {}", err.getMessage()));
  }
}
