package io.pier.node.exec;

import io.pier.common.http.HttpErrors;
import io.pier.node.session.LiveRepl;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code POST /api/repls/<slug>/exec}: runs a command in the repl and answers in one of three ways. By default it
 * waits and answers its exit code with its stdout and stderr (bounded); with {@code Accept: text/event-stream} it
 * streams them as they come, then the exit; with {@code "background": true} it answers 202 at once and the process
 * is found under {@code processes}. A waited-for or streamed process is killed when its client leaves.
 */
final class ExecHandler {
  /** How long a background start waits for the process's id before it answers without. */
  private static final long PID_WAIT_MS = 5000;

  private final Vertx vertx;
  private final ExecRequests requests;
  private final ExecLimits limits;
  private final ProcessStarter starter;
  private final ExecMeters meters;
  private final Function<RoutingContext, LiveRepl> live;

  ExecHandler(
      Vertx vertx,
      ExecLimits limits,
      ProcessStarter starter,
      ExecMeters meters,
      Function<RoutingContext, LiveRepl> live) {
    this.vertx = vertx;
    this.requests = new ExecRequests(limits);
    this.limits = limits;
    this.starter = starter;
    this.meters = meters;
    this.live = live;
  }

  void exec(RoutingContext ctx) {
    ExecRequest request = requests.parse(ctx.body().buffer());
    LiveRepl repl = live.apply(ctx);
    if (request.background()) {
      background(ctx, repl, request);
    } else if (wantsEvents(ctx)) {
      streamed(ctx, repl, request);
    } else {
      waited(ctx, repl, request);
    }
  }

  private void waited(RoutingContext ctx, LiveRepl repl, ExecRequest request) {
    Context context = vertx.getOrCreateContext();
    Promise<JsonObject> answer = Promise.promise();
    CapturedOutput[] captured = new CapturedOutput[1];
    captured[0] =
        new CapturedOutput(
            limits.keptPerStream(),
            meters.buffered(),
            process ->
                context.runOnContext(
                    v -> {
                      if (process.startError() != null) {
                        captured[0].discard();
                        answer.fail(process.startError());
                      } else {
                        answer.complete(captured[0].answer(process));
                      }
                    }));
    ExecProcess process = starter.start(repl, request, captured[0]);
    ctx.response().closeHandler(v -> clientLeft(process));
    LongAnswer.send(vertx, ctx.response(), answer.future());
  }

  private void streamed(RoutingContext ctx, LiveRepl repl, ExecRequest request) {
    SseResponse sse = new SseResponse(vertx, ctx.response());
    StreamedOutput output = new StreamedOutput(vertx.getOrCreateContext(), sse, meters.buffered());
    ExecProcess process = starter.start(repl, request, output);
    sse.open(() -> clientLeft(process));
    process.pid().onSuccess(pid -> output.started(process, pid));
  }

  private void background(RoutingContext ctx, LiveRepl repl, ExecRequest request) {
    Context context = vertx.getOrCreateContext();
    ExecProcess process =
        starter.start(repl, request, new OutputRing(limits.ringBytes(), meters.buffered()));
    process
        .pid()
        .timeout(PID_WAIT_MS, TimeUnit.MILLISECONDS)
        .onComplete(
            ar ->
                context.runOnContext(
                    v -> {
                      HttpServerResponse response = ctx.response();
                      if (process.startError() != null) {
                        HttpErrors.send(
                            response, 502, "exec_failed", "the sandbox could not run the command");
                        return;
                      }
                      response
                          .setStatusCode(202)
                          .putHeader("Content-Type", "application/json")
                          .putHeader(
                              "Location",
                              "/api/repls/" + repl.slug() + "/processes/" + process.id())
                          .end(process.toJson().encode());
                    }));
  }

  /** A process whose answer nobody waits for any more is killed, process group and all. */
  private static void clientLeft(ExecProcess process) {
    if (process.signal("KILL", ExecProcess.Cause.CLIENT_LEFT)) process.output().release();
  }

  private static boolean wantsEvents(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    return accept != null && accept.contains("text/event-stream");
  }
}
