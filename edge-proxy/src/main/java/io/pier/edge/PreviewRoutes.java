package io.pier.edge;

import io.pier.common.cluster.ClusterState;
import io.pier.common.http.HttpErrors;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.Route;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a preview request goes: the route of its repl, once the {@link PreviewGate} has let it through a private
 * preview and a stopped repl has been woken. Every other outcome (no such repl, not running, a console program, a
 * refusal) is answered here.
 */
final class PreviewRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(PreviewRoutes.class);

  private final EdgeConfig config;
  private final ClusterState cluster;
  private final PreviewGate gate;
  private final ReplWaker waker;
  private final ReplUse use;

  PreviewRoutes(EdgeConfig config, ClusterState cluster, PreviewGate gate, ReplWaker waker) {
    this.config = config;
    this.cluster = cluster;
    this.gate = gate;
    this.waker = waker;
    this.use = new ReplUse(cluster, "preview");
  }

  /**
   * Resolves the route of a paused request. @return the route to an app's port, or null once the request has been
   * answered here (it is resumed then); never fails
   */
  Future<Route> resolve(HttpServerRequest req, String slug) {
    Promise<Route> resolved = Promise.promise();
    Future<Route> route = cluster.routes().getConfirmingMiss(slug);
    Future<ReplRecord> repl = cluster.repls().getConfirmingMiss(slug);
    Future.join(route, repl)
        .onComplete(
            looked -> {
              ReplRecord record = repl.succeeded() ? repl.result() : null;
              Route found = route.succeeded() ? route.result() : null;
              if (repl.failed() && found != null) {
                // Without the record nobody knows whether the preview is private: refuse rather
                // than guess.
                req.resume();
                LOG.warn("could not read the record of {}: {}", slug, repl.cause().getMessage());
                HttpErrors.send(req.response(), 503, "registry_unavailable", "try again shortly");
                resolved.complete(null);
                return;
              }
              if (record != null && record.isPrivate() && !gate.admitted(req, slug, record)) {
                resolved.complete(null);
              } else if (found != null) {
                resolved.complete(toApp(req, slug, found));
              } else if (record == null) {
                req.resume();
                Pages.notFound(req.response(), slug + "." + config.domain());
                resolved.complete(null);
              } else if (config.wakeTimeout().isZero()) {
                req.resume();
                Pages.notRunning(req.response(), slug);
                resolved.complete(null);
              } else {
                // A stopped repl is woken by its preview being asked for; the request waits for it.
                waker
                    .wake(slug)
                    .onComplete(
                        woken -> {
                          if (woken.succeeded()) {
                            resolved.complete(toApp(req, slug, woken.result()));
                          } else {
                            req.resume();
                            LOG.info("could not wake {}: {}", slug, woken.cause().getMessage());
                            Pages.notRunning(req.response(), slug);
                            resolved.complete(null);
                          }
                        });
              }
            });
    return resolved.future();
  }

  /** The route, counted as use; null when the repl runs a console program, which has no page to show. */
  private Route toApp(HttpServerRequest req, String slug, Route route) {
    use.record(slug);
    if (route.port() != 0) return route;
    req.resume();
    Pages.console(req.response(), slug);
    return null;
  }
}
