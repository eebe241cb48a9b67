package io.pier.edge;

import io.pier.common.auth.PreviewAccess;
import io.pier.common.cluster.ClusterState;
import io.pier.common.http.HttpErrors;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.Route;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.OriginRequestProvider;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code <slug>.<domain>}: proxied to that repl's published port with the Host kept, WebSockets included. A private
 * repl's preview goes through the {@link PreviewGate}; a stopped repl is woken by its preview being asked for.
 */
final class Previews {
  private static final Logger LOG = LoggerFactory.getLogger(Previews.class);
  private static final long ACTIVITY_EVERY_NANOS = 10_000_000_000L;

  private final EdgeConfig config;
  private final ClusterState cluster;
  private final EdgeClients clients;
  private final PreviewGate gate;
  private final ReplWaker waker;
  private final RelayLimits socketLimits;
  private final UpgradeRelay socketRelay;
  private final UpgradeRefusal refusals;
  /** Routes looked up for requests on their way into the preview proxy, which picks them up by request. */
  private final Map<HttpServerRequest, Route> resolved = new ConcurrentHashMap<>();
  private final Map<String, Long> lastRecordedUse = new ConcurrentHashMap<>();
  private final HttpProxy proxy;

  Previews(EdgeConfig config, ClusterState cluster, EdgeClients clients, PreviewGate gate, ReplWaker waker,
           RelayLimits socketLimits, UpgradeRelay socketRelay, UpgradeRefusal refusals) {
    this.config = config;
    this.cluster = cluster;
    this.clients = clients;
    this.gate = gate;
    this.waker = waker;
    this.socketLimits = socketLimits;
    this.socketRelay = socketRelay;
    this.refusals = refusals;
    this.proxy = HttpProxy.reverseProxy(clients.preview()).origin(keepingHost())
        .addInterceptor(OriginFailures.answeringFailuresAsJson("the repl's app"), false)
        .addInterceptor(gate.withoutPierCredentials(), false);
  }

  void handle(HttpServerRequest req, String slug) {
    if (PreviewAccess.EXCHANGE.equals(req.path())) {
      gate.exchange(req, slug);
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
      if (record != null && record.isPrivate() && !gate.admitted(req, slug, record)) return;
      if (found != null) {
        relay(req, slug, found);
      } else if (record == null) {
        req.resume();
        Pages.notFound(req.response(), slug + "." + config.domain());
      } else if (config.wakeTimeout().isZero()) {
        req.resume();
        Pages.notRunning(req.response(), slug);
      } else {
        // A stopped repl is woken by its preview being asked for; the request waits for it.
        waker.wake(slug).onComplete(woken -> {
          if (woken.succeeded()) {
            relay(req, slug, woken.result());
          } else {
            req.resume();
            LOG.info("could not wake {}: {}", slug, woken.cause().getMessage());
            Pages.notRunning(req.response(), slug);
          }
        });
      }
    });
  }

  private void relay(HttpServerRequest req, String slug, Route route) {
    recordPreviewUse(slug);
    if (route.port() == 0) {
      req.resume();
      Pages.console(req.response(), slug);
      return;
    }
    if (req.canUpgradeToWebSocket()) {
      RelayLimits.Admission admission = socketLimits.admit(null, slug);
      if (admission instanceof RelayLimits.Refusal refusal) {
        refusals.refuse(req, "preview", refusal);
        return;
      }
      MultiMap headers = UpgradeRelay.forwardedHeaders(req);
      gate.removePierCredentials(headers);
      socketRelay.relay(req, SocketAddress.inetSocketAddress(route.port(), route.host()), headers,
          ((RelayLimits.Lease) admission)::release);
      return;
    }
    resolved.put(req, route);
    req.response().closeHandler(v -> resolved.remove(req));
    proxy.handle(req);
  }

  /** Preview traffic counts as use, so the idle stop leaves the repl alone; written at most every few seconds. */
  private void recordPreviewUse(String slug) {
    long now = System.nanoTime();
    Long last = lastRecordedUse.get(slug);
    if (last != null && now - last < ACTIVITY_EVERY_NANOS) return;
    lastRecordedUse.put(slug, now);
    if (lastRecordedUse.size() > 10_000) lastRecordedUse.clear();
    cluster.activity().put(slug, new ClusterState.Activity(Instant.now(), "preview"));
  }

  /** Connects to where the route resolved for the request says, keeping the client's Host (HTTP and WebSocket). */
  private OriginRequestProvider keepingHost() {
    return ctx -> {
      HttpServerRequest incoming = ctx.request().proxiedRequest();
      Route route = resolved.remove(incoming);
      if (route == null) return Future.failedFuture("no route resolved for this request");
      return ctx.client().request(clients.originRequest(SocketAddress.inetSocketAddress(route.port(), route.host())))
          .map(out -> out.authority(incoming.authority()));
    };
  }
}
