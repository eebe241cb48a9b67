package io.pier.scheduler;

import io.pier.common.http.ServiceMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.cluster.hazelcast.HazelcastCluster;
import io.pier.common.config.ConfigException;
import io.pier.common.config.Env;
import io.pier.common.config.Mains;
import io.pier.common.repl.Slugs;
import io.pier.common.store.s3.S3ObjectStore;
import io.pier.common.template.TemplateCatalog;
import io.pier.scheduler.node.HttpNodeClient;
import io.pier.scheduler.placement.BestOfKPlacement;
import io.pier.scheduler.placement.Checks;
import io.pier.scheduler.placement.LoadScorer;
import io.vertx.core.Future;
import io.vertx.ext.web.client.WebClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts a scheduler from environment variables (see the README's configuration table). */
public final class SchedulerMain {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerMain.class);
  /** Two random choices: see {@link BestOfKPlacement} for why not the global best. */
  private static final int PLACEMENT_CHOICES = 2;

  private SchedulerMain() {
  }

  public static void main(String[] args) throws Exception {
    Mains.nameInLogs("scheduler");
    SchedulerConfig config = Mains.configOrExit("scheduler", () -> SchedulerConfig.fromEnv(Env.system()));
    TemplateCatalog templates = Mains.configOrExit("scheduler", () -> {
      try {
        return TemplateCatalog.load(config.templatesDir());
      } catch (IllegalArgumentException e) {
        throw new ConfigException("PIER_TEMPLATES_DIR: " + e.getMessage());
      }
    });
    Mains.runUntilStopped(LOG, "scheduler", start(config, templates));
  }

  /** A started scheduler with what it owns. */
  public record Running(Scheduler scheduler, HazelcastCluster cluster, S3ObjectStore store) implements AutoCloseable {
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
    if (!config.imageSet().isEmpty()) LOG.info("runner images pinned by PIER_IMAGE_SET: {}", config.imageSet().entries());
    PrometheusMeterRegistry metrics = ServiceMetrics.create("scheduler");
    S3ObjectStore store = new S3ObjectStore(config.s3());
    return HazelcastCluster.join(config.cluster(), metrics).compose(cluster -> {
      Clock clock = Clock.systemUTC();
      SecureRandom random = new SecureRandom();
      ReplService repls = new ReplService(cluster.vertx(), cluster.state(), store, templates,
          new BestOfKPlacement(Checks.standard(clock, config.nodeStaleAfter()), new LoadScorer(), PLACEMENT_CHOICES, random),
          new HttpNodeClient(WebClient.create(cluster.vertx()), config.nodeTimeout(),
              new io.pier.common.auth.TokenSigner(config.auth().secret(), clock)),
          new Slugs(random), clock, config.busyWait(), metrics,
          new ReplService.Quotas(config.auth().maxReplsPerUser(), config.auth().maxRunningPerUser()));
      FleetKeeper keeper = new FleetKeeper(cluster.vertx(), cluster.state(), repls, config.fleet(), clock, metrics);
      return new Scheduler(cluster.vertx(), config, cluster.state(), store, templates, repls, keeper, metrics).start()
          .map(s -> new Running(s, cluster, store))
          .recover(err -> cluster.close().transform(v -> Future.failedFuture(err)));
    });
  }
}
