package io.pier.node;

import io.pier.node.exec.ExecRoutes;
import io.pier.node.files.FileRoutes;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The user-facing routes of the repls running here ({@code /api/repls/<slug>/...}: the IDE session and the programs'
 * exec, processes, files and archives), relayed by the edge-proxy, all behind the repl's gate. Mounted in one place so
 * that a test holds exactly these against the API document.
 */
final class ReplApiRoutes {
  private ReplApiRoutes() {}

  /**
   * @param gate admits the repl's owner (and checks the request's parameters against the document)
   * @param session the IDE's WebSocket
   */
  static void mount(
      Router router,
      Handler<RoutingContext> gate,
      ExecRoutes exec,
      FileRoutes files,
      Handler<RoutingContext> session) {
    router.route("/api/repls/:slug/*").handler(gate);
    exec.mount(router);
    files.mount(router);
    router.get("/api/repls/:slug/session").handler(session);
  }
}
