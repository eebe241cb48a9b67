package io.pier.scheduler.api;

import io.pier.common.auth.AuthToken;
import io.pier.common.cluster.Membership;
import io.pier.common.repl.ReplAccess;
import io.pier.common.repl.ReplRecord;
import io.pier.scheduler.FleetSignal;
import io.pier.scheduler.NodeDrain;
import io.pier.scheduler.ReplService;
import io.pier.scheduler.node.NodeClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/** The JSON the API answers with, made from the services' results; field names and order are the wire format. */
final class ApiViews {
  private final Function<String, String> previewUrl;
  private final Function<String, String> ideUrl;

  ApiViews(Function<String, String> previewUrl, Function<String, String> ideUrl) {
    this.previewUrl = previewUrl;
    this.ideUrl = ideUrl;
  }

  /**
   * A repl as {@code caller} sees it, with the addresses of its preview and of its IDE. Which node runs it is the
   * administrators' business (and Pier's services'): anyone else gets no {@code node}.
   */
  JsonObject repl(ReplRecord record, AuthToken caller) {
    JsonObject json =
        record
            .toJson()
            .put("previewUrl", previewUrl.apply(record.slug()))
            .put("ideUrl", ideUrl.apply(record.slug()));
    if (!seesNodes(caller)) json.remove("node");
    ReplAccess.roleOf(caller, record).ifPresent(role -> json.put("role", role.wire()));
    return json;
  }

  /** Whether {@code caller} may see node ids: administrators and Pier's own services. */
  static boolean seesNodes(AuthToken caller) {
    return caller.admin() || caller.isService();
  }

  JsonObject stopped(ReplService.Stopped stopped, AuthToken caller) {
    return repl(stopped.repl(), caller)
        .put("unsaved", new JsonArray(stopped.unsaved().stream().map(ApiViews::unsaved).toList()));
  }

  static JsonObject unsaved(NodeClient.Unsaved unsaved) {
    return new JsonObject().put("path", unsaved.path()).put("reason", unsaved.reason());
  }

  /** An undrain says only that; a drain adds what moved and what could not. */
  static JsonObject drain(NodeDrain.Outcome outcome) {
    JsonObject json =
        new JsonObject().put("node", outcome.node()).put("draining", outcome.draining());
    if (!outcome.draining()) return json;
    JsonObject failed = new JsonObject();
    outcome.failed().forEach(failed::put);
    return json.put("moved", new JsonArray(outcome.moved())).put("failed", failed);
  }

  /** The fleet signal, and whether the cluster may lose a member now (a rolling upgrade waits for it). */
  static JsonObject fleet(FleetSignal s, Membership cluster) {
    return new JsonObject()
        .put("nodes", s.nodes())
        .put("activeNodes", s.activeNodes())
        .put(
            "capacity",
            new JsonObject()
                .put("slots", s.slots())
                .put("memoryMb", s.memoryMb())
                .put("cpus", s.cpus()))
        .put(
            "used",
            new JsonObject()
                .put("repls", s.repls())
                .put("reservedMemoryMb", s.reservedMemoryMb())
                .put("cpus", s.cpuUsage()))
        .put("utilisation", s.utilisation())
        .put("targetUtilisation", s.target())
        .put("desiredNodes", s.desiredNodes())
        .put("scaleOut", s.scaleOut())
        .put("rule", FleetSignal.RULE)
        .put(
            "cluster", new JsonObject().put("members", cluster.size()).put("safe", cluster.safe()));
  }
}
