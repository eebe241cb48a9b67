package io.pier.edge;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.auth.PreviewAccess;
import io.pier.common.auth.Revocations;
import io.pier.common.auth.TokenSigner;
import io.pier.common.cluster.ClusterState;
import io.pier.common.http.OriginPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one public entry point. By Host: the apex serves the IDE and proxies {@code /api} to a scheduler
 * ({@link ApiProxy}); {@code <slug>.<domain>} is proxied to that repl's published port with the Host kept, WebSockets
 * included ({@link Previews}). It holds no state of its own: routes and schedulers come from the cluster.
 *
 * <p>On the apex it refuses WebSocket upgrades and state-changing API calls sent by pages of another origin
 * ({@link OriginPolicy}, in {@link HostDispatch}). A private repl's preview is let through only with its owner's
 * preview cookie (handed over by the redirects of {@link PreviewAccess}) or the owner's bearer token
 * ({@link PreviewGate}).
 *
 * <p>This class wires those parts together and runs the listening servers.
 */
public final class EdgeProxy {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeProxy.class);

  private final Vertx vertx;
  private final EdgeConfig config;
  private final ClusterState cluster;
  private final PrometheusMeterRegistry metrics;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final TokenSigner tokens;
  private final OriginPolicy origins;
  private final RelayLimits sessionLimits;
  private final RelayLimits previewSocketLimits;
  private final EdgeMeters meters;
  private final Schedulers schedulers;
  private final PreviewGate previewGate;
  private HttpServer server;
  private HttpServer tlsServer;
  private EdgeClients clients;
  private UpgradeRelay sessionRelay;
  private UpgradeRelay previewSocketRelay;

  public EdgeProxy(Vertx vertx, EdgeConfig config, ClusterState cluster, PrometheusMeterRegistry metrics) {
    this.vertx = vertx;
    this.config = config;
    this.cluster = cluster;
    this.metrics = metrics;
    // Sign-outs and role changes revoke tokens before they expire: followed through the cluster.
    this.tokens = new TokenSigner(config.authSecret(), Clock.systemUTC(),
        Revocations.following(vertx, cluster.revocations(), Clock.systemUTC()));
    this.origins = new OriginPolicy(config.access().publicUrl(), config.access().allowedOrigins());
    EdgeConfig.Capacity capacity = config.capacity();
    this.sessionLimits = new RelayLimits("IDE sessions", capacity.sessionsTotal(), capacity.sessionsPerUser(),
        capacity.sessionsPerRepl());
    this.previewSocketLimits = new RelayLimits("preview WebSockets", capacity.previewSocketsTotal(), 0,
        capacity.previewSocketsPerRepl());
    this.meters = new EdgeMeters(metrics);
    this.schedulers = new Schedulers(vertx, config.schedulerUrls(), cluster);
    this.previewGate = new PreviewGate(config, tokens);
  }

  public Future<EdgeProxy> start() {
    EdgeConfig.Capacity capacity = config.capacity();
    clients = EdgeClients.open(vertx, capacity);
    sessionRelay = new UpgradeRelay(vertx, clients.upgrades(), capacity.connectTimeout(), capacity.upgradeTimeout());
    previewSocketRelay = new UpgradeRelay(vertx, clients.upgrades(), capacity.connectTimeout(),
        capacity.upgradeTimeout());
    meters.registerGauges(capacity, sessionRelay, sessionLimits, previewSocketRelay, previewSocketLimits);
    UpgradeRefusal refusals = new UpgradeRefusal(meters);
    Previews previews = new Previews(config, cluster, clients, previewGate,
        new ReplWaker(vertx, config, cluster, tokens, clients, schedulers), previewSocketLimits, previewSocketRelay,
        refusals);
    ApiProxy api = new ApiProxy(clients, schedulers);
    SessionUpgrades sessions = new SessionUpgrades(cluster, tokens, sessionLimits, sessionRelay, refusals);
    Router apex = ApexRoutes.router(vertx, metrics, ready::get, tokens, sessions, api);
    HostDispatch dispatch = new HostDispatch(config.domain(), origins, meters, previews, apex);

    // No h2c upgrade: requests are relayed as HTTP/1.1, which is what repls' apps and WebSockets speak.
    // A client connection with no byte either way for the idle timeout is closed: an upgrade abandoned half-sent,
    // a keep-alive connection left open, a relayed WebSocket whose both ends went quiet.
    HttpServerOptions plain = new HttpServerOptions().setHttp2ClearTextEnabled(false)
        .setIdleTimeout((int) capacity.idleTimeout().toSeconds());
    Future<HttpServer> listening;
    if (config.tls() == null) {
      listening = vertx.createHttpServer(plain).requestHandler(dispatch)
          .listen(config.port(), config.bindHost());
    } else {
      HttpServerOptions secure = new HttpServerOptions().setIdleTimeout((int) capacity.idleTimeout().toSeconds())
          .setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
              .setCertPath(config.tls().certificate().toString()).setKeyPath(config.tls().key().toString()));
      listening = vertx.createHttpServer(secure).requestHandler(dispatch)
          .listen(config.tls().port(), config.bindHost())
          .compose(tlsServer -> {
            this.tlsServer = tlsServer;
            return vertx.createHttpServer(plain).requestHandler(this::redirectToHttps)
                .listen(config.port(), config.bindHost());
          });
    }
    return schedulers.refresh()
        .compose(v -> listening)
        .map(s -> {
          server = s;
          schedulers.refreshPeriodically();
          ready.set(true);
          LOG.info("edge-proxy on {}:{} for {} and *.{}", config.bindHost(), s.actualPort(), config.domain(), config.domain());
          return this;
        });
  }

  public Future<Void> stop() {
    ready.set(false);
    schedulers.stopRefreshing();
    Future<Void> secure = tlsServer == null ? Future.succeededFuture() : tlsServer.close();
    return secure.eventually(() -> server == null ? Future.succeededFuture() : server.close())
        .eventually(() -> clients == null ? Future.succeededFuture() : clients.close());
  }

  /** With TLS on, the plain port answers health checks and sends everything else to HTTPS. */
  private void redirectToHttps(HttpServerRequest req) {
    if ("/healthz".equals(req.path()) || "/readyz".equals(req.path())) {
      req.response().setStatusCode(ready.get() ? 200 : 503).end();
      return;
    }
    String host = req.authority() == null ? config.domain() : req.authority().host();
    int port = config.tls().port();
    req.response().setStatusCode(301)
        .putHeader("Location", "https://" + host + (port == 443 ? "" : ":" + port) + req.uri()).end();
  }

  /**
   * What the edge holds now: relayed WebSockets (open, pending upgrade, counted against the limits) by kind, and its
   * HTTP pools' connections in use and requests queued. All zero when nobody uses it.
   */
  public record Load(int sessionsOpen, int sessionsPending, int sessionsCounted, int previewSocketsOpen,
                     int previewSocketsPending, int previewSocketsCounted, double poolInUse, double poolQueued) {
    public boolean idle() {
      return sessionsOpen == 0 && sessionsPending == 0 && sessionsCounted == 0 && previewSocketsOpen == 0
          && previewSocketsPending == 0 && previewSocketsCounted == 0 && poolInUse == 0 && poolQueued == 0;
    }
  }

  public Load load() {
    return new Load(sessionRelay.open(), sessionRelay.pending(), sessionLimits.open(), previewSocketRelay.open(),
        previewSocketRelay.pending(), previewSocketLimits.open(), meters.sum("vertx.pool.in.use"),
        meters.sum("vertx.pool.queue.pending"));
  }

  public int port() {
    return server.actualPort();
  }
}
