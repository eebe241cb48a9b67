package io.pier.node.exec;

import io.micrometer.core.instrument.MeterRegistry;
import io.pier.common.http.HttpErrors;
import io.pier.node.api.NodeApiContract;
import io.pier.node.session.LiveRepl;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.function.Function;

/**
 * The programs' exec routes of the repls running on this node: {@code POST /api/repls/<slug>/exec} and
 * {@code /api/repls/<slug>/processes[/<id>[/output]]}. Mounted after the gate that admits only the repl's owner
 * (which gives each request its repl: {@code live}).
 */
public final class ExecRoutes {
  /** The threads that make the sandbox driver's exec calls (start, signal), all repls of the node together. */
  static final String RUNTIME_POOL = "pier-exec-runtime";

  static final int RUNTIME_THREADS = 8;

  private static final long SWEEP_EVERY_MS = 60_000;

  private final Vertx vertx;
  private final ExecLimits limits;
  private final NodeProcesses tables;
  private final ExecHandler exec;
  private final ProcessHandlers processes;
  private final NodeApiContract contract;

  /**
   * @param live the repl an admitted request is for
   * @param contract checks an exec's body against the API document
   */
  public ExecRoutes(
      Vertx vertx,
      ExecLimits limits,
      MeterRegistry metrics,
      Function<RoutingContext, LiveRepl> live,
      NodeApiContract contract) {
    this.vertx = vertx;
    this.limits = limits;
    this.contract = contract;
    this.tables = new NodeProcesses(limits, Clock.systemUTC());
    ExecMeters meters = new ExecMeters(metrics, tables::running);
    ProcessStarter starter =
        new ProcessStarter(
            vertx,
            vertx.createSharedWorkerExecutor(RUNTIME_POOL, RUNTIME_THREADS),
            tables,
            meters,
            Clock.systemUTC());
    this.exec = new ExecHandler(vertx, limits, starter, meters, live);
    this.processes = new ProcessHandlers(vertx, limits, tables, meters, live);
  }

  /** Adds the routes to {@code router}, after the repl gate. */
  public void mount(Router router) {
    String repl = "/api/repls/:slug";
    router
        .post(repl + "/exec")
        .handler(BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes()))
        .handler(contract::checkWhole)
        .handler(exec::exec)
        .failureHandler(ExecRoutes::bodyRefused);
    router.get(repl + "/processes").handler(processes::list);
    router.get(repl + "/processes/:id").handler(processes::get);
    router.get(repl + "/processes/:id/output").handler(processes::output);
    router.delete(repl + "/processes/:id").handler(processes::delete);
    vertx.setPeriodic(SWEEP_EVERY_MS, t -> tables.sweep());
  }

  /** The body handler's refusals carry a status and no exception: answered as JSON like every other error. */
  private static void bodyRefused(RoutingContext ctx) {
    if (ctx.failure() == null && ctx.statusCode() == 413) {
      HttpErrors.send(ctx, 413, "too_large", "the exec request's body is larger than allowed");
    } else if (ctx.failure() == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      HttpErrors.send(ctx, ctx.statusCode(), "invalid_request", "the exec request is not valid");
    } else {
      ctx.next();
    }
  }
}
