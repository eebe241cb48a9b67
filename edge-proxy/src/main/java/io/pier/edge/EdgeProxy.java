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
  private long refreshTimer = -1;

  public EdgeProxy(Vertx vertx, EdgeConfig config, ClusterState cluster, PrometheusMeterRegistry metrics) {
    this.vertx = vertx;
    this.config = config;
    this.cluster = cluster;
    this.metrics = metrics;
  }

  public Future<EdgeProxy> start() {
    HttpClient client = vertx.createHttpClient();
    HttpProxy previewProxy = HttpProxy.reverseProxy(client).origin(keepingHostTo(resolved,
        route -> SocketAddress.inetSocketAddress(route.port(), route.host())));
    HttpProxy sessionProxy = HttpProxy.reverseProxy(client).origin(keepingHostTo(resolved, route -> {
      URI agent = URI.create(route.agentUrl());
      return SocketAddress.inetSocketAddress(agent.getPort(), agent.getHost());
    }));
    HttpProxy apiProxy = HttpProxy.reverseProxy(client).origin(OriginRequestProvider.selector(ctx -> {
      URI uri = URI.create(pickScheduler());
      return Future.succeededFuture(SocketAddress.inetSocketAddress(uri.getPort(), uri.getHost()));
    }));

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

    return refreshSchedulers()
        // No h2c upgrade: requests are relayed as HTTP/1.1, which is what repls' apps and WebSockets speak.
        .compose(v -> vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
            .requestHandler(req -> dispatch(req, apex, previewProxy))
            .listen(config.port(), config.bindHost()))
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
    return server == null ? Future.succeededFuture() : server.close();
  }

  public int port() {
    return server.actualPort();
  }

  private void dispatch(HttpServerRequest req, Router apex, HttpProxy previewProxy) {
    String host = req.authority() == null ? null : req.authority().host();
    HostTarget target = HostTarget.of(host, config.domain());
    if (target instanceof HostTarget.Preview p) {
      preview(req, p.slug(), previewProxy);
    } else if (target instanceof HostTarget.Unknown u) {
      Pages.notFound(req.response(), u.host());
    } else {
      apex.handle(req);
    }
  }

  private void preview(HttpServerRequest req, String slug, HttpProxy previewProxy) {
    req.pause();
    cluster.routes().get(slug).onComplete(found -> {
      if (found.succeeded() && found.result() != null) {
        resolved.put(req, found.result());
        req.response().closeHandler(v -> resolved.remove(req));
        previewProxy.handle(req);
        return;
      }
      req.resume();
      cluster.repls().get(slug).onComplete(repl -> {
        if (repl.succeeded() && repl.result() != null) {
          Pages.notRunning(req.response(), slug);
        } else {
          Pages.notFound(req.response(), slug + "." + config.domain());
        }
      });
    });
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

  private String pickScheduler() {
    List<String> urls = schedulers.get();
    return urls.get(ThreadLocalRandom.current().nextInt(urls.size()));
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
