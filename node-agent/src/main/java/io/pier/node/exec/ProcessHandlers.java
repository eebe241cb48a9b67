package io.pier.node.exec;

import io.pier.common.http.ApiException;
import io.pier.node.session.LiveRepl;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code /api/repls/<slug>/processes}: a repl's processes listed, one's state (waiting for its end on request), a
 * background one's output as events, and signals ({@code DELETE}).
 */
final class ProcessHandlers {
  private final Vertx vertx;
  private final ExecLimits limits;
  private final NodeProcesses tables;
  private final ExecMeters meters;
  private final Function<RoutingContext, LiveRepl> live;

  ProcessHandlers(
      Vertx vertx,
      ExecLimits limits,
      NodeProcesses tables,
      ExecMeters meters,
      Function<RoutingContext, LiveRepl> live) {
    this.vertx = vertx;
    this.limits = limits;
    this.tables = tables;
    this.meters = meters;
    this.live = live;
  }

  /** {@code GET .../processes}: running ones and background ones that ended lately, oldest first. */
  void list(RoutingContext ctx) {
    JsonArray list = new JsonArray();
    tables.find(live.apply(ctx)).ifPresent(t -> t.list().forEach(p -> list.add(p.toJson())));
    ctx.json(new JsonObject().put("processes", list));
  }

  /** {@code GET .../processes/<id>}, with {@code ?wait=true[&timeoutS=N]} once it ends or the wait runs out. */
  void get(RoutingContext ctx) {
    ExecProcess process = process(ctx);
    if (!"true".equals(ctx.request().getParam("wait")) || !process.running()) {
      ctx.json(process.toJson());
      return;
    }
    long waitS = waitSeconds(ctx.request().getParam("timeoutS"));
    Context context = vertx.getOrCreateContext();
    Promise<JsonObject> answer = Promise.promise();
    long timer = vertx.setTimer(waitS * 1000, t -> answer.tryComplete(process.toJson()));
    process
        .done()
        .onComplete(
            ended ->
                context.runOnContext(
                    v -> {
                      vertx.cancelTimer(timer);
                      answer.tryComplete(process.toJson());
                    }));
    LongAnswer.send(vertx, ctx.response(), answer.future());
  }

  /** {@code GET .../processes/<id>/output}: a background process's kept output, then live, then its exit. */
  void output(RoutingContext ctx) {
    ExecProcess process = process(ctx);
    if (!(process.output() instanceof OutputRing ring)) {
      throw ApiException.conflict(
          "not_background", "this process's output goes to the client that started it");
    }
    SseResponse sse = new SseResponse(vertx, ctx.response());
    OutputReader reader = new OutputReader(vertx.getOrCreateContext(), sse, meters.buffered());
    sse.open(() -> ring.unfollow(reader));
    long dropped = ring.dropped();
    reader.replay(ring.follow(reader), dropped);
  }

  /**
   * {@code DELETE .../processes/<id>[?signal=TERM]}: signals a running process's group (KILL unless said), or takes
   * an ended one off the list. 204 either way.
   */
  void delete(RoutingContext ctx) {
    ExecProcess process = process(ctx);
    String signal = ctx.request().getParam("signal", "KILL").toUpperCase(Locale.ROOT);
    if (signal.startsWith("SIG")) signal = signal.substring(3);
    if (!ExecCommand.SIGNALS.contains(signal)) {
      throw ApiException.badRequest(
          "invalid_request", "\"signal\" must be one of " + ExecCommand.SIGNALS);
    }
    if (!process.signal(signal, ExecProcess.Cause.REQUEST)) {
      tables.find(live.apply(ctx)).ifPresent(t -> t.remove(process));
    }
    ctx.response().setStatusCode(204).end();
  }

  private ExecProcess process(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return tables
        .find(live.apply(ctx))
        .flatMap(t -> t.get(id))
        .orElseThrow(
            () -> ApiException.notFound("no_such_process", "no process " + id + " in this repl"));
  }

  private long waitSeconds(String param) {
    long max = limits.maxWait().toSeconds();
    if (param == null) return Math.min(30, max);
    try {
      long s = Long.parseLong(param);
      if (s >= 1 && s <= max) return s;
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest(
        "invalid_request", "\"timeoutS\" must be a whole number of seconds from 1 to " + max);
  }
}
