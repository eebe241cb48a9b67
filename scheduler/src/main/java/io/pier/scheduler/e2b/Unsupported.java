package io.pier.scheduler.e2b;

import io.vertx.ext.web.Router;
import java.util.List;

/**
 * The parts of E2B's API that Pier does not have, each answered {@code 501} in E2B's error shape with a message that
 * names what is missing, so that an SDK call fails saying why rather than with a bare 404.
 */
final class Unsupported {
  private record Missing(String path, String what) {}

  private static final String TEMPLATES =
      "building templates through the API; Pier's templates are folders on the servers (templates/README.md)";
  private static final String ADMINISTRATION =
      "E2B's team, key and node administration; Pier's own API does that (/api/auth/keys, /api/nodes)";

  private static final List<Missing> MISSING =
      List.of(
          new Missing("/sandboxes/metrics", "sandbox metrics; Pier exports Prometheus metrics"),
          new Missing(
              "/sandboxes/:sandboxID/metrics", "sandbox metrics; Pier exports Prometheus metrics"),
          new Missing("/sandboxes/:sandboxID/logs", "sandbox logs"),
          new Missing("/v2/sandboxes/:sandboxID/logs", "sandbox logs"),
          new Missing("/sandboxes/:sandboxID/snapshots", "snapshots"),
          new Missing("/snapshots", "snapshots"),
          new Missing("/sandboxes/:sandboxID/fork", "forking a sandbox"),
          new Missing("/sandboxes/:sandboxID/network", "per-sandbox network rules"),
          new Missing("/templates", TEMPLATES),
          new Missing("/templates/*", TEMPLATES),
          new Missing("/v2/templates", TEMPLATES),
          new Missing("/v2/templates/*", TEMPLATES),
          new Missing("/v3/templates", TEMPLATES),
          new Missing("/v3/templates/*", TEMPLATES),
          new Missing("/volumes", "volumes"),
          new Missing("/volumes/*", "volumes"),
          new Missing("/secrets", "E2B's secrets; Pier's are per repl (/api/repls/<slug>/env)"),
          new Missing("/secrets/*", "E2B's secrets; Pier's are per repl (/api/repls/<slug>/env)"),
          new Missing("/teams", ADMINISTRATION),
          new Missing("/teams/*", ADMINISTRATION),
          new Missing("/api-keys", ADMINISTRATION),
          new Missing("/api-keys/*", ADMINISTRATION),
          new Missing("/access-tokens", ADMINISTRATION),
          new Missing("/access-tokens/*", ADMINISTRATION),
          new Missing("/nodes", ADMINISTRATION),
          new Missing("/nodes/*", ADMINISTRATION),
          new Missing("/admin/*", ADMINISTRATION));

  private Unsupported() {}

  /** Mounts the 501 answers; before the sandbox routes, so that {@code /sandboxes/metrics} is not a sandbox's ID. */
  static void mount(Router router) {
    for (Missing missing : MISSING) {
      router
          .route(missing.path())
          .handler(
              ctx ->
                  E2bErrors.send(
                      ctx, 501, "unsupported", "Pier does not support " + missing.what()));
    }
  }
}
