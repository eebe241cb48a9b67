package io.pier.node.ports;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pier.common.cluster.SharedMap;
import io.pier.common.http.HttpErrors;
import io.pier.common.http.UpgradeRelay;
import io.pier.common.repl.ReplRecord;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.OriginRequestProvider;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code /ports/<slug>/<port>/<path>}: any port of a repl running here (E2B's {@code <port>-<id>.<domain>}, which the
 * edge-proxy relays here), proxied to that port of the repl's sandbox at the sandbox's own address, HTTP streamed both
 * ways and WebSockets relayed over connections of their own. The sandbox and port come from the path, checked
 * ({@link PortPath}); the address from its driver only ({@link Sandboxes}): a caller never chooses where the node-agent
 * connects. Who may is {@link PortAccess}'s. A repl that does not run here is answered as E2B's proxy answers a sandbox
 * that is gone (502, {@code {"sandboxId", "message", "code"}}); a port where nothing listens 502 too, naming it.
 */
public final class PortProxy {
  /** E2B's port of the in-sandbox API, which the node-agent serves itself at {@code /envd/<slug>/}. */
  static final int ENVD_PORT = 49983;

  private static final String TARGET = "pier.port.target";

  /**
   * How much the proxy takes on (docs/operations.md).
   *
   * @param pool           HTTP connections to one port of one sandbox
   * @param queue          requests waiting for one of those; past it: 503
   * @param sockets        WebSockets to sandboxes' ports relayed by this node at once; past it: 503
   * @param connectTimeout to connect to a sandbox's port, or wait in the queue for a connection
   * @param idleTimeout    an HTTP answer, or a WebSocket, silent this long is closed
   * @param upgradeTimeout from asking the app for a WebSocket to its answer
   */
  public record Settings(
      int pool,
      int queue,
      int sockets,
      Duration connectTimeout,
      Duration idleTimeout,
      Duration upgradeTimeout) {
    public static Settings defaults() {
      return new Settings(
          32, 128, 2000, Duration.ofSeconds(5), Duration.ofSeconds(120), Duration.ofSeconds(15));
    }
  }

  private final Sandboxes sandboxes;
  private final PortTargets targets;
  private final PortAccess access;
  private final Settings settings;
  private final HttpProxy proxy;
  private final UpgradeRelay sockets;
  private final AtomicInteger socketsCounted = new AtomicInteger();
  private final Timer okTimer;
  private final Timer errorTimer;

  public PortProxy(
      Vertx vertx,
      SharedMap<ReplRecord> repls,
      Sandboxes sandboxes,
      PortAccess access,
      Settings settings,
      MeterRegistry metrics) {
    this.sandboxes = sandboxes;
    this.targets = new PortTargets(repls, sandboxes, access);
    this.access = access;
    this.settings = settings;
    HttpClient client =
        vertx
            .httpClientBuilder()
            .with(
                new HttpClientOptions()
                    .setName("node-ports")
                    .setMetricsName("node-ports")
                    .setConnectTimeout((int) settings.connectTimeout().toMillis())
                    // Less than common app servers' keep-alive (Node.js: 5 s), so that no request
                    // is sent on a connection the app is closing.
                    .setKeepAliveTimeout(4)
                    .setIdleTimeout((int) settings.idleTimeout().toSeconds()))
            .with(
                new PoolOptions()
                    .setHttp1MaxSize(settings.pool())
                    .setMaxWaitQueueSize(settings.queue()))
            .build();
    this.proxy =
        HttpProxy.reverseProxy(client)
            .origin(toTheSandboxKeepingHost())
            .addInterceptor(resolving(), false)
            .addInterceptor(failuresAsJson(), false);
    this.sockets =
        new UpgradeRelay(
            vertx,
            vertx
                .httpClientBuilder()
                .with(
                    new HttpClientOptions()
                        .setName("node-port-sockets")
                        .setConnectTimeout((int) settings.connectTimeout().toMillis())
                        .setIdleTimeout(300))
                .build(),
            settings.connectTimeout(),
            settings.upgradeTimeout());
    this.okTimer = requestTimer(metrics, "ok");
    this.errorTimer = requestTimer(metrics, "error");
    Gauge.builder("pier.node.ports.websockets.open", sockets, UpgradeRelay::open)
        .description("WebSockets to sandboxes' ports relayed by this node now")
        .register(metrics);
    Gauge.builder("pier.node.ports.websockets.pending", sockets, UpgradeRelay::pending)
        .description("WebSocket upgrades asked of a sandbox's port and not answered yet")
        .register(metrics);
    Gauge.builder("pier.node.ports.websockets.counted", socketsCounted, AtomicInteger::get)
        .description("WebSockets to sandboxes' ports counted against the limit (open and pending)")
        .register(metrics);
    Gauge.builder("pier.node.ports.websockets.max", settings, Settings::sockets)
        .description("The most WebSockets to sandboxes' ports this node relays at once")
        .register(metrics);
  }

  private static Timer requestTimer(MeterRegistry metrics, String outcome) {
    return Timer.builder("pier.node.ports.requests")
        .description("Requests to sandboxes' ports by outcome (error: a 5xx answer)")
        .tag("outcome", outcome)
        .register(metrics);
  }

  /** Serves {@code /ports/*} on the node-agent's router. */
  public void mount(Router router) {
    router.route(PortPath.PREFIX + "*").handler(this::handle);
  }

  void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    measure(req);
    PortPath path;
    try {
      path = PortPath.parse(req.uri());
    } catch (PortPath.Refused refused) {
      HttpErrors.send(req.response(), 400, refused.code(), refused.getMessage());
      return;
    }
    if (path.port() == ENVD_PORT) {
      HttpErrors.send(
          req.response(),
          404,
          "not_a_port",
          "port " + ENVD_PORT + " is the in-sandbox API, served at /envd/" + path.slug() + "/");
    } else if (!sandboxes.runsHere(path.slug())) {
      send(req.response(), PortTarget.sandboxNotFound(path.slug()));
    } else if (req.canUpgradeToWebSocket()) {
      relaySocket(req, path);
    } else {
      proxy.handle(req);
    }
  }

  private void measure(HttpServerRequest req) {
    long start = System.nanoTime();
    req.response()
        .endHandler(
            v ->
                (req.response().getStatusCode() >= 500 ? errorTimer : okTimer)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
  }

  private void relaySocket(HttpServerRequest req, PortPath path) {
    req.pause();
    targets
        .resolve(path, req.headers())
        .onComplete(
            resolved -> {
              PortTarget where = resolved.result();
              if (!where.proceeds()) {
                req.resume();
                send(req.response(), where);
                return;
              }
              if (socketsCounted.incrementAndGet() > settings.sockets()) {
                socketsCounted.decrementAndGet();
                req.resume();
                if (!req.response().ended() && !req.response().closed())
                  req.response().putHeader("Retry-After", "5");
                HttpErrors.send(
                    req.response(),
                    503,
                    "too_many_websockets",
                    "this node relays "
                        + settings.sockets()
                        + " WebSockets to sandboxes' ports at most");
                return;
              }
              MultiMap headers = UpgradeRelay.forwardedHeaders(req);
              access.removeCredentials(headers);
              sockets.relay(
                  req,
                  SocketAddress.inetSocketAddress(path.port(), where.address()),
                  path.uri(),
                  headers,
                  socketsCounted::decrementAndGet);
            });
  }

  /** The proxy's first step: resolves the request's sandbox, or answers it (nothing is sent on then). */
  private ProxyInterceptor resolving() {
    return new ProxyInterceptor() {
      @Override
      public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
        HttpServerRequest incoming = ctx.request().proxiedRequest();
        PortPath path;
        try {
          path = PortPath.parse(incoming.uri());
        } catch (PortPath.Refused refused) {
          // handle() answered such requests already
          return Future.succeededFuture(
              answer(ctx, PortTarget.refused(400, refused.code(), refused.getMessage())));
        }
        return targets
            .resolve(path, incoming.headers())
            .compose(
                where -> {
                  if (!where.proceeds()) return Future.succeededFuture(answer(ctx, where));
                  ctx.set(TARGET, where);
                  access.removeCredentials(ctx.request().headers());
                  ctx.request().setURI(path.uri());
                  return ctx.sendRequest();
                });
      }
    };
  }

  /** Connects to the resolved sandbox's port, keeping the client's Host (an app may build its URLs from it). */
  private OriginRequestProvider toTheSandboxKeepingHost() {
    return ctx -> {
      PortTarget where = ctx.get(TARGET, PortTarget.class);
      if (where == null) return Future.failedFuture("no sandbox resolved for this request");
      return ctx.client()
          .request(
              new RequestOptions()
                  .setServer(SocketAddress.inetSocketAddress(where.path().port(), where.address()))
                  .setConnectTimeout(settings.connectTimeout().toMillis())
                  .setIdleTimeout(settings.idleTimeout().toMillis()))
          .map(out -> out.authority(ctx.request().proxiedRequest().authority()));
    };
  }

  /**
   * A sandbox's port that cannot be reached gets a JSON answer that says so, never a bare 502: 503 with
   * {@code Retry-After} when the queue for its connections is full, 504 when it took too long, 502 when nothing
   * listens there.
   */
  private ProxyInterceptor failuresAsJson() {
    return new ProxyInterceptor() {
      @Override
      public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
        return ctx.sendRequest()
            .recover(
                err -> {
                  PortTarget where = ctx.get(TARGET, PortTarget.class);
                  PortTarget failure;
                  if (err instanceof ConnectionPoolTooBusyException) {
                    failure =
                        PortTarget.refused(
                            503,
                            "origin_busy",
                            "too many requests wait for this port; try again shortly");
                  } else if (err instanceof TimeoutException) {
                    failure =
                        PortTarget.refused(
                            504, "origin_timeout", "the port did not answer in time");
                  } else {
                    failure = PortTarget.portNotOpen(where == null ? null : where.path());
                  }
                  ProxyResponse answer = answer(ctx, failure);
                  if (failure.status() == 503) answer.putHeader("Retry-After", "1");
                  return Future.succeededFuture(answer);
                });
      }
    };
  }

  private static ProxyResponse answer(ProxyContext ctx, PortTarget answer) {
    return ctx.request()
        .release()
        .response()
        .setStatusCode(answer.status())
        .putHeader("Content-Type", "application/json")
        .setBody(Body.body(Buffer.buffer(answer.json())));
  }

  private static void send(HttpServerResponse response, PortTarget answer) {
    if (response.ended() || response.closed()) return;
    response
        .setStatusCode(answer.status())
        .putHeader("Content-Type", "application/json")
        .end(answer.json());
  }
}
