package io.pier.node.envd;

import io.micrometer.core.instrument.MeterRegistry;
import io.pier.common.auth.SandboxAccessTokens;
import io.pier.common.cluster.SharedMap;
import io.pier.common.repl.ReplRecord;
import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.envd.connect.ConnectService;
import io.pier.node.envd.connect.EnvdCall;
import io.pier.node.envd.process.ProcessService;
import io.pier.node.exec.ExecLimits;
import io.pier.node.session.LiveRepl;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Optional;
import java.util.function.Function;

/**
 * The in-sandbox API of the repls running on this node (E2B's envd), as the edge relays it: {@code
 * https://49983-<slug>.<domain>/<path>} arrives as {@code /envd/<slug>/<path>}. {@code GET .../health}, and every
 * registered {@link ConnectService} at {@code POST .../<service>/<Method>} behind the {@link EnvdGate}.
 */
public final class EnvdRoutes {
  private final EnvdGate gate;
  private final EnvdLimits limits;
  private final ConnectDispatch dispatch;

  public EnvdRoutes(Vertx vertx, EnvdGate gate, EnvdLimits limits, MeterRegistry metrics) {
    this.gate = gate;
    this.limits = limits;
    this.dispatch = new ConnectDispatch(vertx, limits, new EnvdMeters(metrics));
  }

  /**
   * The in-sandbox API of a node-agent: its gate (the repls running here, their records in the cluster, tokens under
   * {@code PIER_AUTH_SECRET}) and its services.
   *
   * @param running the live state of a repl running on this node, by slug
   */
  public static EnvdRoutes forNode(
      Vertx vertx,
      String nodeId,
      Function<String, Optional<LiveRepl>> running,
      SharedMap<ReplRecord> repls,
      String authSecret,
      MeterRegistry metrics) {
    EnvdGate gate = new EnvdGate(nodeId, running, repls, new SandboxAccessTokens(authSecret));
    return new EnvdRoutes(vertx, gate, EnvdLimits.defaults(), metrics)
        .register(new ProcessService(vertx, ExecLimits.defaults(), metrics));
  }

  /** Serves {@code service} too. @return this */
  public EnvdRoutes register(ConnectService service) {
    dispatch.register(service);
    return this;
  }

  /** The gate, for routes of the in-sandbox API that are not Connect calls (E2B's {@code /files}). */
  public EnvdGate gate() {
    return gate;
  }

  public void mount(Router router) {
    router.get("/envd/:slug/health").handler(gate::health);
    String call = "/envd/:slug/:service/:method";
    // The gate is a route of its own: Vert.x wants the body handler first on a route.
    router.post(call).handler(gate::admit);
    router
        .post(call)
        .handler(BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes()))
        .handler(this::serve)
        .failureHandler(EnvdRoutes::bodyRefused);
  }

  private void serve(RoutingContext ctx) {
    EnvdCall call = EnvdGate.call(ctx);
    Buffer body = ctx.body().buffer();
    dispatch.handle(
        ctx.request(),
        body == null ? Buffer.buffer() : body,
        call,
        ctx.pathParam("service"),
        ctx.pathParam("method"));
  }

  /** The body handler's refusals, in Connect's shape. */
  private static void bodyRefused(RoutingContext ctx) {
    if (ctx.failure() == null && ctx.statusCode() == 413) {
      ConnectReplies.error(
          ctx.response(),
          new ConnectException(
              ConnectCode.RESOURCE_EXHAUSTED, "the request's body is larger than allowed"));
    } else {
      ConnectReplies.error(ctx.response(), ConnectReplies.asConnect(ctx.failure()));
    }
  }
}
