package io.pier.node;

import io.netty.channel.ConnectTimeoutException;
import io.pier.common.http.ApiException;
import io.pier.node.sandbox.Endpoint;
import io.pier.node.sandbox.SandboxDriver;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for a starting repl's app to answer HTTP: fails if its sandbox stops, gives up waiting (and lets it run) when
 * its run command ended or the wait is over. The app is tried at its sandbox's own address where its start gave one (a
 * try there is refused by the sandbox's kernel at once; at the published port a userland proxy takes each try and then
 * drops it), else at its route. An answer at the sandbox's address is enough: the route is the runtime's mapping to that
 * address, in place since the sandbox started. An address the node does not reach is given up for the route at its
 * first try. Whether the sandbox still runs is asked beside the tries, never between two of them.
 */
final class ReadinessProbe {
  private static final Logger LOG = LoggerFactory.getLogger(ReadinessProbe.class);

  private final HostContext host;
  private final SandboxDriver driver;
  private final Duration readyTimeout;
  private final HttpClient probe;

  ReadinessProbe(HostContext host, SandboxDriver driver, Duration readyTimeout) {
    this.host = host;
    this.driver = driver;
    this.readyTimeout = readyTimeout;
    this.probe =
        host.vertx()
            .createHttpClient(new HttpClientOptions().setConnectTimeout(1000).setKeepAlive(false));
  }

  /** Completes with {@code r} once its app answers, or at once when it has none. */
  Future<RunningRepl> awaitAnswer(RunningRepl r) {
    if (r.appPort() == 0) return Future.succeededFuture(r);
    return awaitAnswer(
            new Probed(
                r.slug(),
                r.sandboxId(),
                r.sandboxAddress(),
                new Endpoint(r.route().host(), r.route().port()),
                r.appPort(),
                () -> r.live().runExited()))
        .map(r);
  }

  /**
   * A starting app: its sandbox and that sandbox's own address (if its start gave one), where the edge reaches it,
   * its port in its sandbox, and whether its run command ended.
   */
  record Probed(
      String slug,
      String sandboxId,
      Optional<String> sandboxAddress,
      Endpoint route,
      int appPort,
      BooleanSupplier runExited) {}

  /** Completes once the app answers, or once waiting is over (see the class). */
  Future<Void> awaitAnswer(Probed app) {
    Endpoint first =
        app.sandboxAddress().map(a -> new Endpoint(a, app.appPort())).orElse(app.route());
    Promise<Void> answered = Promise.promise();
    long now = System.nanoTime();
    poll(app, first, now + readyTimeout.toNanos(), new ProbeSchedule(now), answered);
    return answered.future();
  }

  private void poll(
      Probed app, Endpoint at, long deadline, ProbeSchedule schedule, Promise<Void> answered) {
    if (answered.future().isComplete()) return;
    answers(at)
        .onSuccess(v -> answered.tryComplete())
        .onFailure(
            err -> {
              Endpoint next = at;
              // An address this node cannot reach (a dockerd elsewhere, a firewall) is given up
              // for the route at once: only a refusal or a closed connection shows it is reached.
              if (!at.equals(app.route()) && !reached(err)) {
                LOG.info(
                    "{}: its sandbox's address {} is not reached from this node ({}); probing its route",
                    app.slug(),
                    at.host(),
                    err.toString());
                next = app.route();
              }
              refused(app, next, deadline, schedule, answered);
            });
  }

  /** Whether a failed try got as far as the sandbox: its kernel refused, or the app closed the connection. */
  static boolean reached(Throwable err) {
    return err instanceof ConnectException && !(err instanceof ConnectTimeoutException)
        || err instanceof HttpClosedException;
  }

  private Future<Void> answers(Endpoint at) {
    return probe
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(at.host())
                .setPort(at.port())
                .setURI("/")
                .setTimeout(2000))
        .compose(HttpClientRequest::send)
        .mapEmpty();
  }

  /**
   * The app did not answer: try again soon, now and then asking beside the tries whether its sandbox still runs; once
   * its run ended or the wait is over, ask and settle.
   */
  private void refused(
      Probed app, Endpoint next, long deadline, ProbeSchedule schedule, Promise<Void> answered) {
    long now = System.nanoTime();
    if (!app.runExited().getAsBoolean() && now <= deadline) {
      if (schedule.inspectNow(now)) failIfStopped(app, schedule, answered);
      host.vertx()
          .setTimer(schedule.nextDelayMs(), t -> poll(app, next, deadline, schedule, answered));
      return;
    }
    host.blocking(() -> driver.running(app.sandboxId()))
        .onComplete(
            inspected -> {
              if (inspected.failed() || !inspected.result()) {
                failStopped(app, answered);
              } else if (app.runExited().getAsBoolean()) {
                // The app crashed: the repl still runs, so the user can read why in the run pane
                // and fix it.
                LOG.info(
                    "{}'s run command exited before answering on port {}",
                    app.slug(),
                    app.appPort());
                answered.tryComplete();
              } else {
                LOG.warn(
                    "{} does not answer on port {} after {}; running it anyway",
                    app.slug(),
                    app.appPort(),
                    readyTimeout);
                answered.tryComplete();
              }
            });
  }

  /** Asks, off the event loop and beside the tries, whether the sandbox runs; fails the wait if it does not. */
  private void failIfStopped(Probed app, ProbeSchedule schedule, Promise<Void> answered) {
    host.blocking(() -> driver.running(app.sandboxId()))
        .onComplete(
            inspected -> {
              schedule.inspected();
              if (inspected.failed() || !inspected.result()) failStopped(app, answered);
            });
  }

  private void failStopped(Probed app, Promise<Void> answered) {
    if (answered.future().isComplete()) return;
    // Its last output says why; read off the event loop, as every driver call blocks.
    host.blocking(() -> driver.logTail(app.sandboxId(), 20).strip())
        .onComplete(
            tail ->
                answered.tryFail(
                    new ApiException(
                        502,
                        "container_exited",
                        "the container of "
                            + app.slug()
                            + " stopped: "
                            + (tail.succeeded() ? tail.result() : ""))));
  }
}
