package io.pier.edge;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.cluster.ClusterState;
import io.pier.common.cluster.ClusterState.ServiceEndpoint;
import io.pier.common.http.HttpErrors;
import io.pier.common.http.OpsRoutes;
import io.pier.common.repl.Route;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.OriginRequestProvider;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one public entry point. By Host: the apex serves the IDE and proxies {@code /api} to a scheduler;
 * {@code <slug>.<domain>} is proxied to that repl's published port with the Host kept, WebSockets included.
 * It holds no state of its own: routes and schedulers come from the cluster.
 */
public final class EdgeProxy {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeProxy.class);
  private static final long SCHEDULER_REFRESH_MS = 2000;

  private final Vertx vertx;
  private final EdgeConfig config;
  private final ClusterState cluster;
  private final PrometheusMeterRegistry metrics;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final AtomicReference<List<String>> schedulers = new AtomicReference<>(List.of());
  /** Routes looked up for requests on their way into the preview proxy, which picks them up by request. */
  private final Map<HttpServerRequest, Route> resolved = new ConcurrentHashMap<>();
  private HttpServer server;
  private HttpServer tlsServer;
  private HttpClient client;
  private final io.pier.common.auth.TokenSigner tokens;
  private final Map<String, Long> lastRecordedUse = new ConcurrentHashMap<>();
  private final Map<String, Future<Route>> waking = new ConcurrentHashMap<>();
  private static final long ACTIVITY_EVERY_NANOS = 10_000_000_000L;
  private long refreshTimer = -1;

  public EdgeProxy(Vertx vertx, EdgeConfig config, ClusterState cluster, PrometheusMeterRegistry metrics) {
    this.vertx = vertx;
    this.config = config;
    this.cluster = cluster;
    this.metrics = metrics;
    this.tokens = new io.pier.common.auth.TokenSigner(config.authSecret(), java.time.Clock.systemUTC());
  }

  public Future<EdgeProxy> start() {
    HttpClient client = vertx.createHttpClient();
    HttpProxy previewProxy = HttpProxy.reverseProxy(client).origin(keepingHostTo(resolved,
        route -> SocketAddress.inetSocketAddress(route.port(), route.host())));
    HttpProxy sessionProxy = HttpProxy.reverseProxy(client).origin(keepingHostTo(resolved, route -> {
      URI agent = URI.create(route.agentUrl());
      return SocketAddress.inetSocketAddress(agent.getPort(), agent.getHost());
    }));
    this.client = client;
    // Any scheduler will do; one that does not answer (it just died, its entry not yet expired) is skipped.
    HttpProxy apiProxy = HttpProxy.reverseProxy(client).origin(ctx -> connectToAScheduler(ctx.client(),
        shuffledSchedulers(), 0));

    Router apex = Router.router(vertx);
    OpsRoutes.mount(apex, "edge-proxy", metrics, ready::get);
    apex.get("/api/repls/:slug/session").handler(ctx -> session(ctx.request(), ctx.pathParam("slug"), sessionProxy));
    apex.route("/api/*").handler(ctx -> {
      if (schedulers.get().isEmpty()) {
        HttpErrors.send(ctx, 503, "no_scheduler", "no scheduler is available; try again shortly");
      } else {
        apiProxy.handle(ctx.request());
      }
    });
    apex.route("/api").handler(ctx -> HttpErrors.send(ctx, 404, "not_found", "the API lives under /api/"));
    // The IDE is one page for every repl; it reads the slug from its URL.
    apex.get("/ide/:slug").handler(ctx -> ctx.reroute("/ide.html"));
    apex.route().handler(StaticHandler.create("webroot").setIndexPage("index.html").setCachingEnabled(false));

    // No h2c upgrade: requests are relayed as HTTP/1.1, which is what repls' apps and WebSockets speak.
    HttpServerOptions plain = new HttpServerOptions().setHttp2ClearTextEnabled(false);
    Future<HttpServer> listening;
    if (config.tls() == null) {
      listening = vertx.createHttpServer(plain).requestHandler(req -> dispatch(req, apex, previewProxy))
          .listen(config.port(), config.bindHost());
    } else {
      HttpServerOptions secure = new HttpServerOptions().setSsl(true).setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions()
          .setCertPath(config.tls().certificate().toString()).setKeyPath(config.tls().key().toString()));
      listening = vertx.createHttpServer(secure).requestHandler(req -> dispatch(req, apex, previewProxy))
          .listen(config.tls().port(), config.bindHost())
          .compose(tlsServer -> {
            this.tlsServer = tlsServer;
            return vertx.createHttpServer(plain).requestHandler(this::redirectToHttps)
                .listen(config.port(), config.bindHost());
          });
    }
    return refreshSchedulers()
        .compose(v -> listening)
        .map(s -> {
          server = s;
          refreshTimer = vertx.setPeriodic(SCHEDULER_REFRESH_MS, t -> refreshSchedulers());
          ready.set(true);
          LOG.info("edge-proxy on {}:{} for {} and *.{}", config.bindHost(), s.actualPort(), config.domain(), config.domain());
          return this;
        });
  }

  public Future<Void> stop() {
    ready.set(false);
    if (refreshTimer >= 0) vertx.cancelTimer(refreshTimer);
    Future<Void> secure = tlsServer == null ? Future.succeededFuture() : tlsServer.close();
    return secure.eventually(() -> server == null ? Future.succeededFuture() : server.close());
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

  public int port() {
    return server.actualPort();
  }

  private void dispatch(HttpServerRequest req, Router apex, HttpProxy previewProxy) {
    String host = req.authority() == null ? null : req.authority().host();
    HostTarget target = HostTarget.of(host, config.domain());
    measure(req, target);
    if (target instanceof HostTarget.Preview p) {
      preview(req, p.slug(), previewProxy);
    } else if (target instanceof HostTarget.Unknown u) {
      Pages.notFound(req.response(), u.host());
    } else {
      apex.handle(req);
    }
  }

  /** Times every request by kind (api, ide, preview) and outcome (error when the answer is a 5xx). */
  private void measure(HttpServerRequest req, HostTarget target) {
    String path = req.path();
    String kind = target instanceof HostTarget.Preview ? "preview"
        : path.startsWith("/api/") && !path.endsWith("/session") ? "api" : "ide";
    io.micrometer.core.instrument.Timer.Sample sample = io.micrometer.core.instrument.Timer.start(metrics);
    req.response().endHandler(v -> sample.stop(io.micrometer.core.instrument.Timer.builder("pier.proxy.requests")
        .description("Requests through the edge-proxy by kind and outcome")
        .tag("kind", kind).tag("outcome", req.response().getStatusCode() >= 500 ? "error" : "ok")
        .publishPercentileHistogram().register(metrics)));
  }

  private void preview(HttpServerRequest req, String slug, HttpProxy previewProxy) {
    req.pause();
    cluster.routes().get(slug).onComplete(found -> {
      if (found.succeeded() && found.result() != null) {
        relay(req, slug, found.result(), previewProxy);
        return;
      }
      cluster.repls().get(slug).onComplete(repl -> {
        if (!repl.succeeded() || repl.result() == null) {
          req.resume();
          Pages.notFound(req.response(), slug + "." + config.domain());
        } else if (config.wakeTimeout().isZero()) {
          req.resume();
          Pages.notRunning(req.response(), slug);
        } else {
          // A stopped repl is woken by its preview being asked for; the request waits for it.
          wake(slug).onComplete(woken -> {
            if (woken.succeeded()) {
              relay(req, slug, woken.result(), previewProxy);
            } else {
              req.resume();
              LOG.info("could not wake {}: {}", slug, woken.cause().getMessage());
              Pages.notRunning(req.response(), slug);
            }
          });
        }
      });
    });
  }

  private void relay(HttpServerRequest req, String slug, Route route, HttpProxy previewProxy) {
    recordPreviewUse(slug);
    if (route.port() == 0) {
      req.resume();
      Pages.console(req.response(), slug);
      return;
    }
    resolved.put(req, route);
    req.response().closeHandler(v -> resolved.remove(req));
    previewProxy.handle(req);
  }

  /** Preview traffic counts as use, so the idle stop leaves the repl alone; written at most every few seconds. */
  private void recordPreviewUse(String slug) {
    long now = System.nanoTime();
    Long last = lastRecordedUse.get(slug);
    if (last != null && now - last < ACTIVITY_EVERY_NANOS) return;
    lastRecordedUse.put(slug, now);
    if (lastRecordedUse.size() > 10_000) lastRecordedUse.clear();
    cluster.activity().put(slug, new ClusterState.Activity(java.time.Instant.now(), "preview"));
  }

  /** Asks a scheduler to start the repl (once, however many requests wait for it) and returns its route. */
  private Future<Route> wake(String slug) {
    return waking.computeIfAbsent(slug, s -> {
      Future<Route> started = askSchedulerToStart(s, shuffledSchedulers(), 0)
          .compose(v -> cluster.routes().get(s))
          .compose(route -> route != null ? Future.succeededFuture(route)
              : Future.failedFuture("started, but no route yet"))
          .timeout(config.wakeTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      // Removed later, not inside computeIfAbsent: a future that fails at once would update the map recursively.
      started.onComplete(done -> vertx.runOnContext(v -> waking.remove(s, started)));
      return started;
    });
  }

  private Future<Void> askSchedulerToStart(String slug, List<String> urls, int index) {
    if (index >= urls.size()) return Future.failedFuture("no scheduler answered");
    URI scheduler = URI.create(urls.get(index));
    return client.request(new RequestOptions().setMethod(io.vertx.core.http.HttpMethod.POST)
            .setHost(scheduler.getHost()).setPort(scheduler.getPort()).setURI("/api/repls/" + slug + "/start")
            .setTimeout(config.wakeTimeout().toMillis())
            .putHeader("Authorization", "Bearer " + tokens.issue("service:edge", true, java.time.Duration.ofMinutes(5))))
        .compose(request -> request.send())
        .recover(unreachable -> askSchedulerToStart(slug, urls, index + 1).map(v -> null))
        .compose(response -> {
          if (response == null) return Future.succeededFuture();
          return response.body().compose(body -> response.statusCode() == 200 ? Future.<Void>succeededFuture()
              : Future.failedFuture("the scheduler answered " + response.statusCode() + ": " + body));
        });
  }

  private Future<io.vertx.core.http.HttpClientRequest> connectToAScheduler(HttpClient http, List<String> urls,
                                                                            int index) {
    if (index >= urls.size()) return Future.failedFuture("no scheduler answered");
    URI scheduler = URI.create(urls.get(index));
    return http.request(new RequestOptions().setServer(SocketAddress.inetSocketAddress(scheduler.getPort(),
            scheduler.getHost())))
        .recover(unreachable -> connectToAScheduler(http, urls, index + 1));
  }

  private List<String> shuffledSchedulers() {
    List<String> urls = new java.util.ArrayList<>(schedulers.get());
    java.util.Collections.shuffle(urls);
    return urls;
  }

  /** An IDE session's WebSocket goes to the node-agent that runs the repl, same path. */
  private void session(HttpServerRequest req, String slug, HttpProxy sessionProxy) {
    req.pause();
    cluster.routes().get(slug).onComplete(found -> {
      if (found.succeeded() && found.result() != null) {
        resolved.put(req, found.result());
        req.response().closeHandler(v -> resolved.remove(req));
        sessionProxy.handle(req);
      } else {
        req.resume();
        HttpErrors.send(req.response(), 503, "not_running", slug + " is not running; start it first");
      }
    });
  }

  /** Connects to where the route resolved for the request says, keeping the client's Host (HTTP and WebSocket). */
  private static OriginRequestProvider keepingHostTo(Map<HttpServerRequest, Route> resolved,
                                                     java.util.function.Function<Route, SocketAddress> target) {
    return ctx -> {
      HttpServerRequest incoming = ctx.request().proxiedRequest();
      Route route = resolved.remove(incoming);
      if (route == null) return Future.failedFuture("no route resolved for this request");
      return ctx.client().request(new RequestOptions().setServer(target.apply(route)))
          .map(out -> out.authority(incoming.authority()));
    };
  }

  private Future<Void> refreshSchedulers() {
    if (!config.schedulerUrls().isEmpty()) {
      schedulers.set(config.schedulerUrls());
      return Future.succeededFuture();
    }
    return cluster.services().values()
        .onSuccess(all -> schedulers.set(all.stream().filter(s -> s.kind().equals("scheduler"))
            .map(ServiceEndpoint::url).sorted().toList()))
        .onFailure(err -> LOG.warn("could not read schedulers from the cluster: {}", err.getMessage()))
        .<Void>mapEmpty().recover(err -> Future.succeededFuture());
  }
}
