package io.pier.edge;

import io.pier.common.http.HttpErrors;
import io.pier.common.http.OriginPolicy;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;

/**
 * Sends each request where its Host says: a repl's preview, E2B's control plane ({@code api.<domain>}) or sandbox
 * hosts ({@code <port>-<slug>.<domain>}, {@code sandbox.<domain>}), the "no repl here" page, or the apex. On the apex
 * it serves canonical paths only, and refuses WebSocket upgrades and state-changing API calls sent by pages of another
 * origin ({@link OriginPolicy}).
 */
final class HostDispatch implements Handler<HttpServerRequest> {
  private final String domain;
  private final OriginPolicy origins;
  private final EdgeMeters meters;
  private final Previews previews;
  private final ApiProxy api;
  private final SandboxProxy sandboxes;
  private final Router apex;

  HostDispatch(
      String domain,
      OriginPolicy origins,
      EdgeMeters meters,
      Previews previews,
      ApiProxy api,
      SandboxProxy sandboxes,
      Router apex) {
    this.domain = domain;
    this.origins = origins;
    this.meters = meters;
    this.previews = previews;
    this.api = api;
    this.sandboxes = sandboxes;
    this.apex = apex;
  }

  @Override
  public void handle(HttpServerRequest req) {
    String host = req.authority() == null ? null : req.authority().host();
    HostTarget target = HostTarget.of(host, domain);
    meters.measure(req, target);
    if (target instanceof HostTarget.Preview p) {
      previews.handle(req, p.slug());
    } else if (target instanceof HostTarget.SandboxPort
        || target instanceof HostTarget.SandboxByHeaders) {
      sandboxes.handle(req, target);
    } else if (target instanceof HostTarget.Api) {
      api.handleE2b(req);
    } else if (target instanceof HostTarget.Unknown u) {
      Pages.notFound(req.response(), u.host());
    } else if (!canonicalPath(req)) {
      return;
    } else if (!originAllowed(req)) {
      HttpErrors.send(
          req.response(),
          403,
          "forbidden_origin",
          "a page of "
              + req.getHeader("Origin")
              + " may not "
              + (req.canUpgradeToWebSocket() ? "open a WebSocket" : "call this API")
              + " here");
    } else {
      apex.handle(req);
    }
  }

  /**
   * The apex serves canonical paths only ({@link ApexPaths}): any other spelling is answered 400 here, so that the
   * Origin check, the routing and the services behind the edge all see one and the same path.
   */
  private boolean canonicalPath(HttpServerRequest req) {
    String canonical = ApexPaths.canonical(req.path());
    if (canonical != null && canonical.equals(req.path())) return true;
    HttpErrors.send(
        req.response(),
        400,
        "bad_path",
        canonical == null
            ? "this path is not accepted (dot segments, malformed escapes, backslashes and control characters are not)"
            : "this path is spelt in a way that is not accepted; the accepted spelling is "
                + canonical);
    return false;
  }

  /**
   * A WebSocket upgrade, and an API call that may change something, sent by a page of another origin is refused:
   * previews are the same site as the apex, so the browser would attach the user's sign-in cookie to it. Requests
   * without an Origin (curl, API clients) are not a browser page's.
   */
  private boolean originAllowed(HttpServerRequest req) {
    boolean guarded =
        req.canUpgradeToWebSocket()
            || (ApexPaths.isApi(req.path()) && OriginPolicy.changesState(req.method()));
    return !guarded
        || origins.allows(req.getHeader("Origin"), RequestScheme.of(req), req.authority());
  }
}
