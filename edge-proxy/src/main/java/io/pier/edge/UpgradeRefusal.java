package io.pier.edge;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/** Answers a WebSocket upgrade that a limit of the edge refused, and counts it. */
final class UpgradeRefusal {
  private final EdgeMeters meters;

  UpgradeRefusal(EdgeMeters meters) {
    this.meters = meters;
  }

  /** A WebSocket past a limit: 429 or 503 at once, before any upgrade, with the limit named and Retry-After. */
  void refuse(HttpServerRequest req, String kind, RelayLimits.Refusal refusal) {
    meters.countRefusal(kind, refusal.limit());
    req.resume();
    if (req.response().ended() || req.response().closed()) return;
    req.response()
        .setStatusCode(refusal.status())
        .putHeader("Content-Type", "application/json")
        .putHeader("Retry-After", refusal.status() == 503 ? "5" : "30")
        .end(
            new JsonObject()
                .put("error", "too_many_websockets")
                .put("limit", kind + "s_per_" + refusal.limit())
                .put("max", refusal.max())
                .put("message", refusal.message())
                .encode());
  }
}
