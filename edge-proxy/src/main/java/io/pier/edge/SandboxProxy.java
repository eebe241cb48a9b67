package io.pier.edge;

import io.pier.common.cluster.ClusterState;
import io.pier.common.http.HttpErrors;
import io.pier.common.http.UpgradeRelay;
import io.pier.common.repl.Route;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.OriginRequestProvider;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.net.URI;

/**
 * E2B's sandbox hosts (docs/e2b.md): {@code <port>-<slug>.<domain>}, or {@code sandbox.<domain>} with the headers
 * {@code E2b-Sandbox-Id} and {@code E2b-Sandbox-Port}, relayed to the node-agent that runs the repl: port
 * {@value HostTarget#ENVD_PORT} to its in-sandbox API at {@code /envd/<slug><path>}, any other port to
 * {@code /ports/<slug>/<port><path>}, which the node-agent proxies to that port of the repl's sandbox. The node-agent
 * checks who may; the edge only finds it. HTTP is streamed both ways through the sandbox pool (a stream's idle bound
 * applies, no total bound); WebSockets go over connections of their own, counted against the preview WebSocket
 * limits. A repl that does not run is answered as E2B's own proxy answers a sandbox that is gone: 502 with
 * {@code {"sandboxId", "message", "code"}}, which the SDK reads as "not running".
 */
final class SandboxProxy {
  /** The header of {@code sandbox.<domain>} that names the sandbox. */
  static final String ID_HEADER = "E2b-Sandbox-Id";

  /** The header of {@code sandbox.<domain>} that names the port. */
  static final String PORT_HEADER = "E2b-Sandbox-Port";

  /** The proxy context's attachment with the node-agent a request goes to. */
  private static final String AGENT = "pier.sandbox.agent";

  private final String domain;
  private final ClusterState cluster;
  private final EdgeClients clients;
  private final RelayLimits socketLimits;
  private final UpgradeRelay socketRelay;
  private final UpgradeRefusal refusals;
  private final ReplUse use;
  private final HttpProxy proxy;

  SandboxProxy(
      String domain,
      ClusterState cluster,
      EdgeClients clients,
      RelayLimits socketLimits,
      UpgradeRelay socketRelay,
      UpgradeRefusal refusals) {
    this.domain = domain;
    this.cluster = cluster;
    this.clients = clients;
    this.socketLimits = socketLimits;
    this.socketRelay = socketRelay;
    this.refusals = refusals;
    this.use = new ReplUse(cluster, "sandbox");
    this.proxy =
        HttpProxy.reverseProxy(clients.sandbox())
            .origin(toTheAgentKeepingHost())
            .addInterceptor(resolvingTheAgent(), false)
            .addInterceptor(
                OriginFailures.answeringFailuresAsJson("the sandbox's node-agent"), false)
            .addInterceptor(forwardingScheme(), false);
  }

  /**
   * Relays a request to {@code <port>-<slug>.<domain>} (or {@code sandbox.<domain>}, whose headers name them), or
   * answers it here: 400 for a path with dot segments or malformed escapes (the node-agent would resolve them to
   * another of its routes), or missing or bad headers on {@code sandbox.<domain>}.
   */
  void handle(HttpServerRequest req, HostTarget target) {
    HostTarget.SandboxPort sandbox = sandboxOf(req, target);
    if (sandbox == null) {
      HttpErrors.send(
          req.response(),
          400,
          "bad_sandbox",
          "sandbox."
              + domain
              + " needs the headers "
              + ID_HEADER
              + " (a sandbox id) and "
              + PORT_HEADER
              + " (a port from 1 to 65535)");
    } else if (ApexPaths.canonical(req.path()) == null) {
      HttpErrors.send(
          req.response(),
          400,
          "bad_path",
          "this path is not accepted (dot segments, malformed escapes, backslashes and control characters are not)");
    } else if (req.canUpgradeToWebSocket()) {
      relaySocket(req, sandbox);
    } else {
      proxy.handle(req);
    }
  }

  /** The sandbox and port a request names: by its host, or on {@code sandbox.<domain>} by its headers; or null. */
  private static HostTarget.SandboxPort sandboxOf(HttpServerRequest req, HostTarget target) {
    if (target instanceof HostTarget.SandboxPort port) return port;
    return HostTarget.sandboxPort(req.getHeader(ID_HEADER), req.getHeader(PORT_HEADER));
  }

  /** Where on the node-agent a sandbox's port is served, for a request of {@code uri} (path and query). */
  static String agentUri(HostTarget.SandboxPort sandbox, String uri) {
    return sandbox.envd()
        ? "/envd/" + sandbox.slug() + uri
        : "/ports/" + sandbox.slug() + "/" + sandbox.port() + uri;
  }

  private void relaySocket(HttpServerRequest req, HostTarget.SandboxPort sandbox) {
    req.pause();
    cluster
        .routes()
        .getConfirmingMiss(sandbox.slug())
        .onComplete(
            found -> {
              Route route = found.succeeded() ? found.result() : null;
              if (route == null) {
                req.resume();
                sandboxNotFound(req.response(), sandbox.slug());
                return;
              }
              RelayLimits.Admission admission = socketLimits.admit(null, sandbox.slug());
              if (admission instanceof RelayLimits.Refusal refusal) {
                refusals.refuse(req, "sandbox_socket", refusal);
                return;
              }
              use.record(sandbox.slug());
              MultiMap headers = UpgradeRelay.forwardedHeaders(req);
              headers.set("X-Forwarded-Proto", RequestScheme.of(req));
              socketRelay.relay(
                  req,
                  agentAddress(route),
                  agentUri(sandbox, req.uri()),
                  headers,
                  ((RelayLimits.Lease) admission)::release);
            });
  }

  /**
   * The proxy's first step: finds the node-agent of the repl and points the request at its path for the sandbox's
   * port, or answers a repl that does not run with E2B's 502 (nothing is sent on then).
   */
  private ProxyInterceptor resolvingTheAgent() {
    return new ProxyInterceptor() {
      @Override
      public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
        HttpServerRequest incoming = ctx.request().proxiedRequest();
        // Only sandbox hosts with a valid sandbox are handed to this proxy (handle), so this is
        // never null.
        HostTarget.SandboxPort sandbox =
            sandboxOf(incoming, HostTarget.of(incoming.authority().host(), domain));
        return cluster
            .routes()
            .getConfirmingMiss(sandbox.slug())
            .recover(unreadable -> Future.succeededFuture(null))
            .compose(
                (Route route) -> {
                  if (route == null) return Future.succeededFuture(notFound(ctx, sandbox.slug()));
                  use.record(sandbox.slug());
                  ctx.set(AGENT, agentAddress(route));
                  ctx.request().setURI(agentUri(sandbox, incoming.uri()));
                  return ctx.sendRequest();
                });
      }
    };
  }

  /** E2B's answer for a sandbox that is gone, as a proxy response (the request is released, nothing is sent on). */
  private static ProxyResponse notFound(ProxyContext ctx, String slug) {
    return ctx.request()
        .release()
        .response()
        .setStatusCode(502)
        .setBody(Body.body(Buffer.buffer(notFoundBody(slug)), MediaType.APPLICATION_JSON));
  }

  /** E2B's answer for a sandbox that is gone: 502, which the SDK reads as "not running" (and a timeout error). */
  static void sandboxNotFound(HttpServerResponse response, String slug) {
    if (response.ended() || response.closed()) return;
    response
        .setStatusCode(502)
        .putHeader("Content-Type", "application/json")
        .end(notFoundBody(slug));
  }

  private static String notFoundBody(String slug) {
    return new JsonObject()
        .put("sandboxId", slug)
        .put("message", "The sandbox was not found")
        .put("code", 502)
        .encode();
  }

  private static SocketAddress agentAddress(Route route) {
    URI agent = URI.create(route.agentUrl());
    return SocketAddress.inetSocketAddress(agent.getPort(), agent.getHost());
  }

  /** Connects to the node-agent in the proxy context, keeping the client's Host (the app behind a port sees it). */
  private OriginRequestProvider toTheAgentKeepingHost() {
    return ctx -> {
      SocketAddress agent = ctx.get(AGENT, SocketAddress.class);
      if (agent == null) return Future.failedFuture("no node-agent resolved for this request");
      return ctx.client()
          .request(clients.originRequest(agent))
          .map(out -> out.authority(ctx.request().proxiedRequest().authority()));
    };
  }

  /** The node-agent and the app see the scheme the client used; the header is set here, never taken from the client. */
  private static ProxyInterceptor forwardingScheme() {
    return new ProxyInterceptor() {
      @Override
      public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
        ctx.request()
            .headers()
            .set("X-Forwarded-Proto", RequestScheme.of(ctx.request().proxiedRequest()));
        return ctx.sendRequest();
      }
    };
  }
}
