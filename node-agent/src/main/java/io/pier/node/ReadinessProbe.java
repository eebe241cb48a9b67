package io.pier.node;

import io.pier.common.http.ApiException;
import io.pier.node.sandbox.SandboxDriver;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for a starting repl's app to answer HTTP at its route, as the edge will reach it: fails if its sandbox stops,
 * gives up waiting (and lets it run) when its run command ended or the wait is over.
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
    Promise<RunningRepl> answered = Promise.promise();
    long now = System.nanoTime();
    poll(r, now + readyTimeout.toNanos(), new ProbeSchedule(now), answered);
    return answered.future();
  }

  private void poll(
      RunningRepl r, long deadline, ProbeSchedule schedule, Promise<RunningRepl> answered) {
    probe
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(r.route().host())
                .setPort(r.route().port())
                .setURI("/")
                .setTimeout(2000))
        .compose(HttpClientRequest::send)
        .onSuccess(resp -> answered.complete(r))
        .onFailure(err -> refused(r, deadline, schedule, answered));
  }

  /** The app did not answer: try again soon, and now and then (or when its run ended) see whether it can still. */
  private void refused(
      RunningRepl r, long deadline, ProbeSchedule schedule, Promise<RunningRepl> answered) {
    long now = System.nanoTime();
    if (!schedule.inspectNow(now) && !r.live().runExited() && now <= deadline) {
      host.vertx().setTimer(schedule.nextDelayMs(), t -> poll(r, deadline, schedule, answered));
      return;
    }
    host.blocking(() -> driver.running(r.sandboxId()))
        .onComplete(
            inspected -> {
              if (inspected.failed() || !inspected.result()) {
                // Its last output says why; read off the event loop, as every driver
                // call blocks.
                host.blocking(() -> driver.logTail(r.sandboxId(), 20).strip())
                    .onComplete(
                        tail ->
                            answered.fail(
                                new ApiException(
                                    502,
                                    "container_exited",
                                    "the container of "
                                        + r.slug()
                                        + " stopped: "
                                        + (tail.succeeded() ? tail.result() : ""))));
              } else if (r.live().runExited()) {
                // The app crashed: the repl still runs, so the user can read why in the
                // run pane and fix it.
                LOG.info(
                    "{}'s run command exited before answering on port {}", r.slug(), r.appPort());
                answered.complete(r);
              } else if (System.nanoTime() > deadline) {
                LOG.warn(
                    "{} does not answer on port {} after {}; running it anyway",
                    r.slug(),
                    r.appPort(),
                    readyTimeout);
                answered.complete(r);
              } else {
                host.vertx()
                    .setTimer(schedule.nextDelayMs(), t -> poll(r, deadline, schedule, answered));
              }
            });
  }
}
