package io.pier.edge;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.auth.AuthToken;
import io.pier.common.auth.Credentials;
import io.pier.common.auth.PreviewAccess;
import io.pier.common.cluster.ClusterState;
import io.pier.common.cluster.ClusterState.ServiceEndpoint;
import io.pier.common.http.HtmlPage;
import io.pier.common.http.HttpErrors;
import io.pier.common.http.OpsRoutes;
import io.pier.common.http.OriginPolicy;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.Route;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.OriginRequestProvider;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 *
 * <p>On the apex it refuses WebSocket upgrades and state-changing API calls sent by pages of another origin
 * ({@link OriginPolicy}). A private repl's preview is let through only with its owner's preview cookie (handed over
 * by the redirects of {@link PreviewAccess}) or the owner's bearer token.
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
  /** Previews' HTTP requests: a pool per repl app, sized on purpose, with a bounded queue. */
  private HttpClient previewClient;
  /** API requests and wake-ups: a pool per scheduler, sized on purpose, with a bounded queue. */
  private HttpClient apiClient;
  /** WebSocket upgrades: connections of their own, never pooled. */
  private HttpClientAgent upgradeAgent;
  private UpgradeRelay sessionRelay;
  private UpgradeRelay previewSocketRelay;
  private final RelayLimits sessionLimits;
  private final RelayLimits previewSocketLimits;
  private final io.pier.common.auth.TokenSigner tokens;
  private final Map<String, Long> lastRecordedUse = new ConcurrentHashMap<>();
  private final Map<String, Future<Route>> waking = new ConcurrentHashMap<>();
  private static final long ACTIVITY_EVERY_NANOS = 10_000_000_000L;
  private long refreshTimer = -1;
  private final OriginPolicy origins;

  public EdgeProxy(Vertx vertx, EdgeConfig config, ClusterState cluster, PrometheusMeterRegistry metrics) {
    this.vertx = vertx;
    this.config = config;
    this.cluster = cluster;
    this.metrics = metrics;
    // Sign-outs and role changes revoke tokens before they expire: followed through the cluster.
    this.tokens = new io.pier.common.auth.TokenSigner(config.authSecret(), java.time.Clock.systemUTC(),
        io.pier.common.auth.Revocations.following(vertx, cluster.revocations(), java.time.Clock.systemUTC()));
    this.origins = new OriginPolicy(config.access().publicUrl(), config.access().allowedOrigins());
    EdgeConfig.Capacity capacity = config.capacity();
    this.sessionLimits = new RelayLimits("IDE sessions", capacity.sessionsTotal(), capacity.sessionsPerUser(),
        capacity.sessionsPerRepl());
    this.previewSocketLimits = new RelayLimits("preview WebSockets", capacity.previewSocketsTotal(), 0,
        capacity.previewSocketsPerRepl());
  }

  /** A pooled HTTP client: {@code size} connections per origin, {@code queue} requests waiting, then 503. */
  private HttpClient pooledClient(String name, int size, int queue) {
    EdgeConfig.Capacity capacity = config.capacity();
    return vertx.httpClientBuilder()
        .with(new HttpClientOptions().setName(name).setMetricsName(name)
            .setConnectTimeout((int) capacity.connectTimeout().toMillis())
            .setKeepAliveTimeout(30)
            // A pooled connection nobody used for this long is closed (as is any the origin leaves silent).
            .setIdleTimeout((int) capacity.responseTimeout().toSeconds()))
        .with(new PoolOptions().setHttp1MaxSize(size).setMaxWaitQueueSize(queue))
        .build();
  }

  /** How a proxied request asks for its origin connection: bounded wait for the pool and for the answer. */
  private RequestOptions originRequest(SocketAddress server) {
    EdgeConfig.Capacity capacity = config.capacity();
    return new RequestOptions().setServer(server).setConnectTimeout(capacity.connectTimeout().toMillis())
        .setIdleTimeout(capacity.responseTimeout().toMillis());
  }

  /** Registers the gauges and limits operators watch (docs/operations.md, "Edge limits"). */
  private void registerMeters() {
    for (var kind : Map.of("session", new Object[] {sessionRelay, sessionLimits},
        "preview", new Object[] {previewSocketRelay, previewSocketLimits}).entrySet()) {
      UpgradeRelay relay = (UpgradeRelay) kind.getValue()[0];
      RelayLimits limits = (RelayLimits) kind.getValue()[1];
      io.micrometer.core.instrument.Gauge.builder("pier.edge.websockets.open", relay, UpgradeRelay::open)
          .description("WebSockets relayed by the edge now").tag("kind", kind.getKey()).register(metrics);
      io.micrometer.core.instrument.Gauge.builder("pier.edge.websockets.pending", relay, UpgradeRelay::pending)
          .description("WebSocket upgrades asked of a node-agent or app and not answered yet")
          .tag("kind", kind.getKey()).register(metrics);
      io.micrometer.core.instrument.Gauge.builder("pier.edge.websockets.counted", limits, RelayLimits::open)
          .description("WebSockets counted against the limits (open and pending)").tag("kind", kind.getKey())
          .register(metrics);
    }
    EdgeConfig.Capacity c = config.capacity();
    Map<String, Integer> configured = Map.of("sessions_total", c.sessionsTotal(), "sessions_per_user", c.sessionsPerUser(),
        "sessions_per_repl", c.sessionsPerRepl(), "preview_sockets_total", c.previewSocketsTotal(),
        "preview_sockets_per_repl", c.previewSocketsPerRepl(), "preview_pool", c.previewPool(),
        "preview_queue", c.previewQueue(), "api_pool", c.apiPool(), "api_queue", c.apiQueue());
    configured.forEach((name, value) -> io.micrometer.core.instrument.Gauge.builder("pier.edge.limit", () -> value)
        .description("The edge's configured limits").tag("limit", name).register(metrics));
  }

  public Future<EdgeProxy> start() {
    EdgeConfig.Capacity capacity = config.capacity();
    previewClient = pooledClient("edge-preview", capacity.previewPool(), capacity.previewQueue());
    apiClient = pooledClient("edge-api", capacity.apiPool(), capacity.apiQueue());
    upgradeAgent = vertx.httpClientBuilder().with(new HttpClientOptions().setName("edge-upgrades")
            .setConnectTimeout((int) capacity.connectTimeout().toMillis())
            // A relayed WebSocket with no byte either way for this long is closed (the client side has the same).
            .setIdleTimeout((int) capacity.idleTimeout().toSeconds()))
        .build();
    sessionRelay = new UpgradeRelay(vertx, upgradeAgent, capacity.connectTimeout(), capacity.upgradeTimeout());
    previewSocketRelay = new UpgradeRelay(vertx, upgradeAgent, capacity.connectTimeout(), capacity.upgradeTimeout());
    registerMeters();
    HttpProxy previewProxy = HttpProxy.reverseProxy(previewClient).origin(keepingHostTo(resolved,
        route -> SocketAddress.inetSocketAddress(route.port(), route.host())))
        .addInterceptor(answeringFailuresAsJson("the repl's app"), false)
        .addInterceptor(withoutPierCredentials(), false);
    // Any scheduler will do; one that does not answer (it just died, its entry not yet expired) is skipped.
    HttpProxy apiProxy = HttpProxy.reverseProxy(apiClient).origin(ctx -> connectToAScheduler(ctx.client(),
        shuffledSchedulers(), 0)).addInterceptor(answeringFailuresAsJson("the scheduler"), false)
        .addInterceptor(forwardingHostAndScheme(), false);

    Router apex = Router.router(vertx);
    OpsRoutes.mount(apex, "edge-proxy", metrics, ready::get, tokens);
    apex.get("/api/repls/:slug/session").handler(ctx -> session(ctx.request(), ctx.pathParam("slug")));
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
    // A client connection with no byte either way for the idle timeout is closed: an upgrade abandoned half-sent,
    // a keep-alive connection left open, a relayed WebSocket whose both ends went quiet.
    HttpServerOptions plain = new HttpServerOptions().setHttp2ClearTextEnabled(false)
        .setIdleTimeout((int) capacity.idleTimeout().toSeconds());
    Future<HttpServer> listening;
    if (config.tls() == null) {
      listening = vertx.createHttpServer(plain).requestHandler(req -> dispatch(req, apex, previewProxy))
          .listen(config.port(), config.bindHost());
    } else {
      HttpServerOptions secure = new HttpServerOptions().setIdleTimeout((int) capacity.idleTimeout().toSeconds()).setSsl(true).setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions()
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
    return secure.eventually(() -> server == null ? Future.succeededFuture() : server.close())
        .eventually(() -> Future.join(close(previewClient), close(apiClient), close(upgradeAgent)));
  }

  private static Future<Void> close(HttpClient client) {
    return client == null ? Future.succeededFuture() : client.close();
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
        previewSocketRelay.pending(), previewSocketLimits.open(), sum("vertx.pool.in.use"),
        sum("vertx.pool.queue.pending"));
  }

  private double sum(String gauge) {
    return metrics.find(gauge).gauges().stream().mapToDouble(io.micrometer.core.instrument.Gauge::value).sum();
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
    } else if (!canonicalPath(req)) {
      return;
    } else if (!originAllowed(req)) {
      HttpErrors.send(req.response(), 403, "forbidden_origin", "a page of " + req.getHeader("Origin")
          + " may not " + (req.canUpgradeToWebSocket() ? "open a WebSocket" : "call this API") + " here");
    } else {
      apex.handle(req);
    }
  }

  /**
   * The apex serves canonical paths only ({@link ApexPaths}): any other spelling is answered 400 here, so that the
   * Origin check, the routing and the services behind the edge all see one and the same path.
   */
  private boolean canonicalPath(HttpServerRequest req) {
    String canonical = ApexPaths.canonical(req.path());
    if (canonical != null && canonical.equals(req.path())) return true;
    HttpErrors.send(req.response(), 400, "bad_path", canonical == null
        ? "this path is not accepted (dot segments, malformed escapes, backslashes and control characters are not)"
        : "this path is spelt in a way that is not accepted; the accepted spelling is " + canonical);
    return false;
  }

  /**
   * A WebSocket upgrade, and an API call that may change something, sent by a page of another origin is refused:
   * previews are the same site as the apex, so the browser would attach the user's sign-in cookie to it. Requests
   * without an Origin (curl, API clients) are not a browser page's.
   */
  private boolean originAllowed(HttpServerRequest req) {
    boolean guarded = req.canUpgradeToWebSocket()
        || (ApexPaths.isApi(req.path()) && OriginPolicy.changesState(req.method()));
    return !guarded || origins.allows(req.getHeader("Origin"), scheme(req), req.authority());
  }

  private static String scheme(HttpServerRequest req) {
    return req.isSSL() ? "https" : "http";
  }

  /**
   * The scheduler sees the Host and scheme the browser used, so that it can check a cookie-carrying request's Origin
   * itself; the header is set here, never taken from the client.
   */
  private static ProxyInterceptor forwardingHostAndScheme() {
    return new ProxyInterceptor() {
      @Override
      public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
        HttpServerRequest incoming = ctx.request().proxiedRequest();
        ctx.request().setAuthority(incoming.authority());
        ctx.request().headers().set("X-Forwarded-Proto", scheme(incoming));
        return ctx.sendRequest();
      }
    };
  }

  /**
   * A repl's app gets neither the preview cookie nor an API token a client sent to pass a private preview: they are
   * Pier's credentials, and the app is the user's code, dependencies included.
   */
  private ProxyInterceptor withoutPierCredentials() {
    return new ProxyInterceptor() {
      @Override
      public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
        removePierCredentials(ctx.request().headers());
        return ctx.sendRequest();
      }
    };
  }

  /** Removes Pier's credentials (a valid bearer token, the preview cookie) from headers going to a repl's app. */
  private void removePierCredentials(MultiMap headers) {
    String authorization = headers.get("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        && tokens.verify(authorization.substring(7).trim()).isPresent()) {
      headers.remove("Authorization");
    }
    List<String> cookies = headers.getAll("Cookie");
    if (cookies.stream().anyMatch(c -> c.contains(PreviewAccess.COOKIE + "="))) {
      List<String> kept = cookiePairs(cookies).stream()
          .filter(p -> !p.startsWith(PreviewAccess.COOKIE + "=")).toList();
      headers.remove("Cookie");
      if (!kept.isEmpty()) headers.set("Cookie", String.join("; ", kept));
    }
  }

  /**
   * A proxied request whose origin could not be reached or did not answer in time gets a JSON answer that says so,
   * never a bare 502 or a wait without end: 503 with {@code Retry-After} when the pool's queue is full, 504 when the
   * origin took too long (to connect, to hand out a pooled connection, or to answer), 502 when it is unreachable.
   */
  private static ProxyInterceptor answeringFailuresAsJson(String origin) {
    return new ProxyInterceptor() {
      @Override
      public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
        return ctx.sendRequest().recover(err -> {
          int status;
          String code;
          String message;
          if (err instanceof io.vertx.core.http.ConnectionPoolTooBusyException) {
            status = 503;
            code = "origin_busy";
            message = "too many requests are waiting for " + origin + "; try again shortly";
          } else if (err instanceof java.util.concurrent.TimeoutException) {
            status = 504;
            code = "origin_timeout";
            message = origin + " did not answer in time";
          } else {
            status = 502;
            code = "origin_unreachable";
            message = "could not reach " + origin;
          }
          LOG.debug("{} {}: {}", ctx.request().getMethod(), ctx.request().getURI(), err.toString());
          ProxyResponse answer = ctx.request().release().response().setStatusCode(status)
              .putHeader("Content-Type", "application/json")
              .setBody(io.vertx.httpproxy.Body.body(io.vertx.core.buffer.Buffer.buffer(
                  new io.vertx.core.json.JsonObject().put("error", code).put("message", message).encode())));
          if (status == 503) answer.putHeader("Retry-After", "1");
          return Future.succeededFuture(answer);
        });
      }
    };
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
    if (PreviewAccess.EXCHANGE.equals(req.path())) {
      exchange(req, slug);
      return;
    }
    req.pause();
    Future<Route> route = cluster.routes().get(slug);
    Future<ReplRecord> repl = cluster.repls().get(slug);
    Future.join(route, repl).onComplete(looked -> {
      ReplRecord record = repl.succeeded() ? repl.result() : null;
      Route found = route.succeeded() ? route.result() : null;
      if (repl.failed() && found != null) {
        // Without the record nobody knows whether the preview is private: refuse rather than guess.
        req.resume();
        LOG.warn("could not read the record of {}: {}", slug, repl.cause().getMessage());
        HttpErrors.send(req.response(), 503, "registry_unavailable", "try again shortly");
        return;
      }
      if (record != null && record.isPrivate() && !admitted(req, slug, record)) return;
      if (found != null) {
        relay(req, slug, found, previewProxy);
      } else if (record == null) {
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
  }

  /**
   * Whether a request may see a private repl's preview: its owner's (or an administrator's) preview cookie for this
   * slug, or API token as a bearer header. Otherwise it is answered here and false is returned: a browser goes to the
   * apex to sign in, other clients get 401, or 403 when their token names someone else. A private repl is not woken
   * for someone who may not see it.
   */
  private boolean admitted(HttpServerRequest req, String slug, ReplRecord record) {
    List<AuthToken> callers = previewCallers(req, slug);
    if (callers.stream().anyMatch(c -> c.admin() || c.subject().equals(record.owner()))) return true;
    req.resume();
    boolean browser = (req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD)
        && !req.canUpgradeToWebSocket() && HtmlPage.wanted(req.getHeader("Accept"));
    if (browser) {
      // The apex has the browser's sign-in cookie: it checks whose it is (and answers a stranger 403) or sends the
      // browser back with a preview token. A preview cookie of another account is sent there too, for the case
      // where the user has switched accounts since.
      String back = PreviewAccess.safeReturnPath(req.uri());
      req.response().setStatusCode(302).putHeader("Cache-Control", "no-store")
          .putHeader("Location", apexUrl(req) + PreviewAccess.START + "?slug=" + slug + "&return="
              + URLEncoder.encode(back, StandardCharsets.UTF_8))
          .end();
    } else if (!callers.isEmpty()) {
      HttpErrors.send(req.response(), 403, "forbidden", "the preview of " + slug + " is private to its owner");
    } else {
      HttpErrors.send(req.response(), 401, "unauthenticated", "the preview of " + slug + " is private: open it in a "
          + "browser signed in to Pier as its owner, or send the owner's token as Authorization: Bearer");
    }
    return false;
  }

  /**
   * Who a preview request comes from, by every credential it carries for this slug: an API token in a bearer header,
   * and each preview cookie. All of them count, because a page on another subdomain may have planted a cookie of the
   * same name for the whole domain, and the browser sends both.
   */
  private List<AuthToken> previewCallers(HttpServerRequest req, String slug) {
    List<AuthToken> callers = new ArrayList<>();
    String bearer = Credentials.bearer(req);
    if (bearer != null) tokens.verify(bearer).ifPresent(callers::add);
    for (String p : cookiePairs(req.headers().getAll("Cookie"))) {
      if (!p.startsWith(PreviewAccess.COOKIE + "=")) continue;
      String value = p.substring(PreviewAccess.COOKIE.length() + 1);
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      tokens.verifyPreview(value, slug).ifPresent(callers::add);
    }
    return callers;
  }

  /**
   * Every {@code name=value} pair of the Cookie headers, in order, duplicates kept: Vert.x's own cookie set keeps one
   * cookie per name and path, and a planted duplicate must not hide the real one.
   */
  private static List<String> cookiePairs(List<String> headers) {
    List<String> pairs = new ArrayList<>();
    for (String header : headers) {
      for (String pair : header.split(";")) {
        String p = pair.trim();
        if (!p.isEmpty()) pairs.add(p);
      }
    }
    return pairs;
  }

  /**
   * The end of the hand-over: a preview token for this slug, fresh from the apex, becomes a host-only cookie on the
   * preview host, and the browser goes on to the path it first asked for.
   */
  private void exchange(HttpServerRequest req, String slug) {
    String back = PreviewAccess.safeReturnPath(req.getParam("return"));
    AuthToken granted = tokens.verifyPreview(req.getParam("token"), slug).orElse(null);
    if (granted == null) {
      Pages.linkExpired(req.response(), back);
      return;
    }
    java.time.Duration ttl = config.access().previewCookieTtl();
    boolean secure = req.isSSL() || (config.access().publicUrl() != null
        && "https".equals(config.access().publicUrl().getScheme()));
    req.response().addCookie(Cookie.cookie(PreviewAccess.COOKIE,
            tokens.issuePreview(granted.subject(), granted.admin(), slug, ttl))
            .setPath("/").setHttpOnly(true).setSecure(secure).setSameSite(CookieSameSite.LAX)
            .setMaxAge(ttl.toSeconds()))
        .setStatusCode(302).putHeader("Location", back).putHeader("Cache-Control", "no-store")
        // The token in this URL must not travel on to wherever the page links.
        .putHeader("Referrer-Policy", "no-referrer").end();
  }

  /** The apex as browsers reach it: the public URL if one is set, else the domain at the request's scheme and port. */
  private String apexUrl(HttpServerRequest req) {
    URI publicUrl = config.access().publicUrl();
    if (publicUrl != null) return publicUrl.getScheme() + "://" + publicUrl.getRawAuthority();
    String scheme = scheme(req);
    int port = req.authority() == null ? -1 : req.authority().port();
    boolean standard = port < 0 || port == ("https".equals(scheme) ? 443 : 80);
    return scheme + "://" + config.domain() + (standard ? "" : ":" + port);
  }

  private void relay(HttpServerRequest req, String slug, Route route, HttpProxy previewProxy) {
    recordPreviewUse(slug);
    if (route.port() == 0) {
      req.resume();
      Pages.console(req.response(), slug);
      return;
    }
    if (req.canUpgradeToWebSocket()) {
      RelayLimits.Admission admission = previewSocketLimits.admit(null, slug);
      if (admission instanceof RelayLimits.Refusal refusal) {
        refuse(req, "preview", refusal);
        return;
      }
      MultiMap headers = UpgradeRelay.forwardedHeaders(req);
      removePierCredentials(headers);
      previewSocketRelay.relay(req, SocketAddress.inetSocketAddress(route.port(), route.host()), headers,
          ((RelayLimits.Lease) admission)::release);
      return;
    }
    resolved.put(req, route);
    req.response().closeHandler(v -> resolved.remove(req));
    previewProxy.handle(req);
  }

  /** A WebSocket past a limit: 429 or 503 at once, before any upgrade, with the limit named and Retry-After. */
  private void refuse(HttpServerRequest req, String kind, RelayLimits.Refusal refusal) {
    io.micrometer.core.instrument.Counter.builder("pier.edge.websockets.refused")
        .description("WebSocket upgrades refused by a limit of the edge").tag("kind", kind)
        .tag("limit", refusal.limit()).register(metrics).increment();
    req.resume();
    if (req.response().ended() || req.response().closed()) return;
    req.response().setStatusCode(refusal.status()).putHeader("Content-Type", "application/json")
        .putHeader("Retry-After", refusal.status() == 503 ? "5" : "30")
        .end(new io.vertx.core.json.JsonObject().put("error", "too_many_websockets")
            .put("limit", kind + "s_per_" + refusal.limit()).put("max", refusal.max())
            .put("message", refusal.message()).encode());
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
    return apiClient.request(new RequestOptions().setMethod(io.vertx.core.http.HttpMethod.POST)
            .setHost(scheduler.getHost()).setPort(scheduler.getPort()).setURI("/api/repls/" + slug + "/start")
            .setConnectTimeout(config.capacity().connectTimeout().toMillis())
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
    return http.request(originRequest(SocketAddress.inetSocketAddress(scheduler.getPort(), scheduler.getHost())))
        .recover(unreachable -> connectToAScheduler(http, urls, index + 1));
  }

  private List<String> shuffledSchedulers() {
    List<String> urls = new java.util.ArrayList<>(schedulers.get());
    java.util.Collections.shuffle(urls);
    return urls;
  }

  /**
   * An IDE session's WebSocket goes to the node-agent that runs the repl, same path, over a connection of its own.
   * The edge checks the token (the node-agent checks it again, and the owner) to count the session against its
   * user's limit, and the repl's and its own; past one, the client is answered at once.
   */
  private void session(HttpServerRequest req, String slug) {
    req.pause();
    cluster.routes().get(slug).onComplete(found -> {
      if (found.failed() || found.result() == null) {
        req.resume();
        HttpErrors.send(req.response(), 503, "not_running", slug + " is not running; start it first");
        return;
      }
      AuthToken caller = tokens.verify(Credentials.token(req)).orElse(null);
      if (caller == null) {
        req.resume();
        HttpErrors.send(req.response(), 401, "unauthenticated", "sign in first");
        return;
      }
      RelayLimits.Admission admission = sessionLimits.admit(caller.subject(), slug);
      if (admission instanceof RelayLimits.Refusal refusal) {
        refuse(req, "session", refusal);
        return;
      }
      URI agent = URI.create(found.result().agentUrl());
      sessionRelay.relay(req, SocketAddress.inetSocketAddress(agent.getPort(), agent.getHost()),
          UpgradeRelay.forwardedHeaders(req), ((RelayLimits.Lease) admission)::release);
    });
  }

  /** Connects to where the route resolved for the request says, keeping the client's Host (HTTP and WebSocket). */
  private OriginRequestProvider keepingHostTo(Map<HttpServerRequest, Route> resolved,
                                                     java.util.function.Function<Route, SocketAddress> target) {
    return ctx -> {
      HttpServerRequest incoming = ctx.request().proxiedRequest();
      Route route = resolved.remove(incoming);
      if (route == null) return Future.failedFuture("no route resolved for this request");
      return ctx.client().request(originRequest(target.apply(route)))
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
