package io.pier.scheduler.e2b;

import io.pier.common.auth.AuthToken;
import io.pier.common.http.ApiException;
import io.pier.common.repl.EnvVar;
import io.pier.common.repl.Lifetime;
import io.pier.common.repl.ReplEnvStore;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.Slugs;
import io.pier.common.repl.Visibility;
import io.pier.common.template.TemplateCatalog;
import io.pier.common.template.TemplateManifest;
import io.pier.scheduler.ReplService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * E2B's sandbox lifecycle told in Pier's terms, through {@link ReplService} (which owns every transition): create is
 * create, environment, start; kill is delete; pause is stop (files kept, processes not); connect and resume are start
 * with a new timeout. A sandbox belongs to the account of the key that made it; anyone else is told it does not
 * exist (an administrator's key may act on any, as in Pier's own API).
 */
final class Sandboxes {
  private final Vertx vertx;
  private final ReplService repls;
  private final TemplateCatalog templates;
  private final ReplEnvStore environments;
  private final Clock clock;

  Sandboxes(
      Vertx vertx,
      ReplService repls,
      TemplateCatalog templates,
      ReplEnvStore environments,
      Clock clock) {
    this.vertx = vertx;
    this.repls = repls;
    this.templates = templates;
    this.environments = environments;
    this.clock = clock;
  }

  /** A sandbox that connect answered, and whether connect had to start it. */
  record Connected(ReplRecord sandbox, boolean resumed) {}

  /** The caller's sandboxes. */
  Future<List<ReplRecord>> of(AuthToken caller) {
    return repls
        .list()
        .map(all -> all.stream().filter(r -> caller.subject().equals(r.owner())).toList());
  }

  /**
   * A new running sandbox: a repl of the template, with the metadata as labels, the timeout as its lifetime and the
   * variables as its (not secret) environment, started. If it cannot start, it is deleted again: E2B's create either
   * gives a sandbox or nothing.
   */
  Future<ReplRecord> create(AuthToken caller, SandboxBodies.NewSandbox wanted, boolean capped) {
    if (!TemplateManifest.isValidName(wanted.template())
        || templates.find(wanted.template()).isEmpty()) {
      return Future.failedFuture(
          ApiException.notFound(
              "unknown_template",
              "template '"
                  + wanted.template()
                  + "' not found; Pier's templates: "
                  + templates.all().stream().map(TemplateManifest::name).sorted().toList()));
    }
    ReplService.NewRepl settings =
        new ReplService.NewRepl(
            Visibility.PUBLIC, wanted.metadata(), wanted.timeout(), wanted.onTimeout());
    return repls
        .create(wanted.template(), caller.subject(), settings, capped)
        .compose(
            created ->
                setEnvironment(created.slug(), wanted.envVars())
                    .compose(v -> repls.start(created.slug(), capped))
                    .recover(
                        err ->
                            repls
                                .delete(created.slug())
                                .transform(deleted -> Future.failedFuture(err))));
  }

  private Future<Void> setEnvironment(String slug, Map<String, String> vars) {
    if (vars.isEmpty()) return Future.succeededFuture();
    Instant now = clock.instant();
    Callable<Void> write =
        () -> {
          vars.forEach(
              (name, value) -> environments.put(slug, new EnvVar(name, value, false, now)));
          return null;
        };
    return vertx.executeBlocking(write, false);
  }

  /** The caller's sandbox {@code id}. @throws ApiException 404 if there is none it may see */
  Future<ReplRecord> owned(AuthToken caller, String id) {
    if (!Slugs.isValid(id)) return Future.failedFuture(notFound(id));
    return repls
        .get(id)
        .recover(
            err ->
                Future.failedFuture(
                    err instanceof ApiException api && api.status() == 404 ? notFound(id) : err))
        .compose(
            r ->
                caller.subject().equals(r.owner()) || caller.admin() || caller.isService()
                    ? Future.succeededFuture(r)
                    : Future.<ReplRecord>failedFuture(notFound(id)));
  }

  /** Kills the sandbox: the repl and its files are deleted. */
  Future<Void> kill(AuthToken caller, String id) {
    return owned(caller, id).compose(r -> repls.delete(id));
  }

  /**
   * Pauses the sandbox: the repl stops, its files stay in storage, its processes end. A paused sandbox is kept for
   * Pier's longest timeout (30 days) before its timeout applies again, since E2B keeps paused sandboxes until they are
   * resumed or killed; one that would be paused at its timeout anyway is kept for good.
   *
   * @throws ApiException 409 if it is paused already
   */
  Future<Void> pause(AuthToken caller, String id) {
    return owned(caller, id)
        .compose(
            r -> {
              if (SandboxViews.state(r.state()).equals("paused")) {
                return Future.failedFuture(
                    ApiException.conflict(
                        "already_paused", "sandbox " + id + " is already paused"));
              }
              Future<ReplRecord> kept =
                  r.lifetime() == null
                      ? Future.succeededFuture(r)
                      : repls.setTimeout(id, Lifetime.MAX_TIMEOUT, null);
              return kept.compose(k -> repls.stop(id)).mapEmpty();
            });
  }

  /**
   * Answers the sandbox, started if it was paused. A paused one gets the timeout from now; a running one gets it only
   * if that ends later than its current one (E2B's "TTL is only extended").
   */
  Future<Connected> connect(AuthToken caller, String id, Duration timeout, boolean capped) {
    return owned(caller, id)
        .compose(
            r -> {
              if (SandboxViews.state(r.state()).equals("running")) {
                return extended(r, timeout).map(now -> new Connected(now, false));
              }
              return resumed(id, timeout, null, capped).map(now -> new Connected(now, true));
            });
  }

  /** Keeps a running sandbox at least {@code duration} from now (E2B's refresh). @throws ApiException 409 if paused */
  Future<Void> refresh(AuthToken caller, String id, Duration duration) {
    return owned(caller, id)
        .compose(Sandboxes::running)
        .compose(r -> extended(r, duration))
        .mapEmpty();
  }

  /** The sandbox with a timeout that ends {@code timeout} from now, unless its own ends later. */
  private Future<ReplRecord> extended(ReplRecord r, Duration timeout) {
    boolean later =
        r.lifetime() != null && clock.instant().plus(timeout).isAfter(SandboxViews.endAt(r));
    return later ? repls.setTimeout(r.slug(), timeout, null) : Future.succeededFuture(r);
  }

  private static Future<ReplRecord> running(ReplRecord r) {
    return SandboxViews.state(r.state()).equals("paused")
        ? Future.failedFuture(
            ApiException.conflict(
                "paused",
                "sandbox " + r.slug() + " is paused; connect to it to resume it with a timeout"))
        : Future.succeededFuture(r);
  }

  /**
   * Starts a paused sandbox with the timeout from now (E2B's deprecated resume).
   *
   * @param onTimeout what its timeout does from now on; null: as before
   * @throws ApiException 409 if it runs
   */
  Future<ReplRecord> resume(
      AuthToken caller, String id, Duration timeout, Lifetime.OnTimeout onTimeout, boolean capped) {
    return owned(caller, id)
        .compose(
            r ->
                SandboxViews.state(r.state()).equals("running")
                    ? Future.<ReplRecord>failedFuture(
                        ApiException.conflict("already_running", "sandbox " + id + " is running"))
                    : resumed(id, timeout, onTimeout, capped));
  }

  /** The timeout first: a paused sandbox past its deadline could otherwise be killed while it starts. */
  private Future<ReplRecord> resumed(
      String id, Duration timeout, Lifetime.OnTimeout onTimeout, boolean capped) {
    return repls.setTimeout(id, timeout, onTimeout).compose(r -> repls.start(id, capped));
  }

  /**
   * Gives a running sandbox the timeout from now, longer or shorter than before.
   *
   * @throws ApiException 409 for a paused one (connect resumes it with a timeout)
   */
  Future<Void> setTimeout(AuthToken caller, String id, Duration timeout) {
    return owned(caller, id)
        .compose(Sandboxes::running)
        .compose(r -> repls.setTimeout(id, timeout, null))
        .mapEmpty();
  }

  private static ApiException notFound(String id) {
    return ApiException.notFound("sandbox_not_found", "sandbox " + id + " not found");
  }
}
