package io.pier.edge;

import io.pier.common.auth.PreviewAccess;
import io.pier.common.http.OriginPolicy;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
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
 * <p>This class runs the listening servers; {@link EdgeProxyMain} builds and wires the parts.
 */
public final class EdgeProxy {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeProxy.class);

  private final Vertx vertx;
  private final EdgeConfig config;
  private final int eventLoops;
  private final AtomicBoolean ready;
  private final Schedulers schedulers;
  private final EdgeClients clients;
  private final Handler<HttpServerRequest> dispatch;
  private final Supplier<Load> load;

  /** The servers of the public port, one per event loop; the plain port's redirect server last with TLS on. */
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();

  private final List<String> deployments = new CopyOnWriteArrayList<>();
  private HttpServer server;

  /**
   * @param eventLoops how many event loops the edge listens on, one server each
   * @param ready    set once it serves, cleared when it stops; its health checks and the apex's report it
   * @param dispatch handles every request on the public port
   * @param load     what the edge holds now, for {@link #load()}
   */
  EdgeProxy(
      Vertx vertx,
      EdgeConfig config,
      int eventLoops,
      AtomicBoolean ready,
      Schedulers schedulers,
      EdgeClients clients,
      Handler<HttpServerRequest> dispatch,
      Supplier<Load> load) {
    this.vertx = vertx;
    this.config = config;
    this.eventLoops = eventLoops;
    this.ready = ready;
    this.schedulers = schedulers;
    this.clients = clients;
    this.dispatch = dispatch;
    this.load = load;
  }

  public Future<EdgeProxy> start() {
    EdgeConfig.Capacity capacity = config.capacity();
    // No h2c upgrade: requests are relayed as HTTP/1.1, which is what repls' apps and WebSockets
    // speak.
    // A client connection with no byte either way for the idle timeout is closed: an upgrade
    // abandoned half-sent,
    // a keep-alive connection left open, a relayed WebSocket whose both ends went quiet.
    HttpServerOptions plain =
        new HttpServerOptions()
            .setHttp2ClearTextEnabled(false)
            .setIdleTimeout((int) capacity.idleTimeout().toSeconds());
    Future<HttpServer> listening;
    if (config.tls() == null) {
      listening = listenOnEveryEventLoop(plain, dispatch, config.port());
    } else {
      HttpServerOptions secure =
          new HttpServerOptions()
              .setIdleTimeout((int) capacity.idleTimeout().toSeconds())
              .setSsl(true)
              .setKeyCertOptions(
                  new PemKeyCertOptions()
                      .setCertPath(config.tls().certificate().toString())
                      .setKeyPath(config.tls().key().toString()));
      listening =
          listenOnEveryEventLoop(secure, dispatch, config.tls().port())
              .compose(
                  tlsServer ->
                      vertx
                          .createHttpServer(plain)
                          .requestHandler(this::redirectToHttps)
                          .listen(config.port(), config.bindHost())
                          .onSuccess(servers::add));
    }
    return schedulers
        .refresh()
        .compose(v -> listening)
        .map(
            s -> {
              server = s;
              schedulers.refreshPeriodically();
              ready.set(true);
              LOG.info(
                  "edge-proxy on {}:{} for {} and *.{}",
                  config.bindHost(),
                  s.actualPort(),
                  config.domain(),
                  config.domain());
              return this;
            });
  }

  public Future<Void> stop() {
    ready.set(false);
    schedulers.stopRefreshing();
    List<Future<?>> closing = new ArrayList<>();
    for (HttpServer s : servers) closing.add(s.close());
    for (String id : deployments) closing.add(vertx.undeploy(id));
    return Future.join(closing).<Void>mapEmpty().eventually(clients::close);
  }

  /**
   * Listens with one server per event loop, all on the same port, Vert.x handing each new connection to the next: a
   * single server would serve every connection on the one event loop it was made on, so on one core. The handlers are
   * shared and safe to call from any event loop. @return the first of them
   */
  private Future<HttpServer> listenOnEveryEventLoop(
      HttpServerOptions options, Handler<HttpServerRequest> handler, int port) {
    List<HttpServer> started = new CopyOnWriteArrayList<>();
    return vertx
        .deployVerticle(
            () ->
                new VerticleBase() {
                  @Override
                  public Future<?> start() {
                    return vertx
                        .createHttpServer(options)
                        .requestHandler(handler)
                        .listen(port, config.bindHost())
                        .onSuccess(started::add);
                  }
                },
            new DeploymentOptions().setInstances(eventLoops))
        .map(
            id -> {
              deployments.add(id);
              return started.get(0);
            });
  }

  /** With TLS on, the plain port answers health checks and sends everything else to HTTPS. */
  private void redirectToHttps(HttpServerRequest req) {
    if ("/healthz".equals(req.path()) || "/readyz".equals(req.path())) {
      req.response().setStatusCode(ready.get() ? 200 : 503).end();
      return;
    }
    String host = req.authority() == null ? config.domain() : req.authority().host();
    int port = config.tls().port();
    req.response()
        .setStatusCode(301)
        .putHeader("Location", "https://" + host + (port == 443 ? "" : ":" + port) + req.uri())
        .end();
  }

  /**
   * What the edge holds now: relayed WebSockets (open, pending upgrade, counted against the limits) by kind (IDE
   * sessions, previews' own, sandbox ports' own), and its
   * HTTP pools' connections in use and requests queued. All zero when nobody uses it.
   */
  public record Load(
      int sessionsOpen,
      int sessionsPending,
      int sessionsCounted,
      int previewSocketsOpen,
      int previewSocketsPending,
      int previewSocketsCounted,
      int sandboxSocketsOpen,
      int sandboxSocketsPending,
      int sandboxSocketsCounted,
      double poolInUse,
      double poolQueued) {
    public boolean idle() {
      return sessionsOpen == 0
          && sessionsPending == 0
          && sessionsCounted == 0
          && previewSocketsOpen == 0
          && previewSocketsPending == 0
          && previewSocketsCounted == 0
          && sandboxSocketsOpen == 0
          && sandboxSocketsPending == 0
          && sandboxSocketsCounted == 0
          && poolInUse == 0
          && poolQueued == 0;
    }
  }

  public Load load() {
    return load.get();
  }

  /** Its Vert.x instance: tests hook its handler of exceptions nothing else caught. */
  Vertx vertx() {
    return vertx;
  }

  public int port() {
    return server.actualPort();
  }
}
