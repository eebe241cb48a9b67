package io.pier.scheduler.node;

import io.pier.common.auth.TokenSigner;
import io.pier.common.http.ApiException;
import io.pier.common.node.NodeInfo;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.Route;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link NodeClient} over the node-agent's internal HTTP API. Its errors reach users who started a repl, so they never
 * name the node or its address (the log does): which node runs what is the administrators' business.
 */
public final class HttpNodeClient implements NodeClient {
  private static final Logger LOG = LoggerFactory.getLogger(HttpNodeClient.class);

  private final WebClient web;
  private final Duration timeout;
  private final TokenSigner tokens;

  /** Calls carry a short-lived service token: node-agents answer nothing else on their internal API. */
  public HttpNodeClient(WebClient web, Duration timeout, TokenSigner tokens) {
    this.web = web;
    this.timeout = timeout;
    this.tokens = tokens;
  }

  private String bearer() {
    return "Bearer " + tokens.issue("service:scheduler", true, Duration.ofMinutes(5));
  }

  @Override
  public Future<Route> start(NodeInfo node, StartRequest request) {
    return web.postAbs(node.agentUrl() + "/internal/repls/" + request.slug() + "/start")
        .timeout(timeout.toMillis())
        .putHeader("Authorization", bearer())
        .sendJsonObject(request.toJson())
        .recover(err -> Future.failedFuture(unreachable(node, err)))
        .compose(resp -> ok(node, resp).map(body -> Route.fromJson(body)));
  }

  @Override
  public Future<List<Unsaved>> stop(NodeInfo node, String slug) {
    return post(node, "/internal/repls/" + slug + "/stop")
        .map(
            body ->
                body.getJsonArray("unsaved", new JsonArray()).stream()
                    .filter(JsonObject.class::isInstance)
                    .map(JsonObject.class::cast)
                    .map(o -> new Unsaved(o.getString("path", ""), o.getString("reason", "")))
                    .toList());
  }

  @Override
  public Future<Void> storeNow(NodeInfo node, String slug) {
    return post(node, "/internal/repls/" + slug + "/sync").mapEmpty();
  }

  @Override
  public Future<Void> setDraining(NodeInfo node, boolean draining) {
    return post(node, draining ? "/internal/drain" : "/internal/undrain").mapEmpty();
  }

  /** A POST without a body to the node's internal API: its JSON answer, or the node's error. */
  private Future<JsonObject> post(NodeInfo node, String path) {
    return web.postAbs(node.agentUrl() + path)
        .timeout(timeout.toMillis())
        .putHeader("Authorization", bearer())
        .send()
        .recover(err -> Future.failedFuture(unreachable(node, err)))
        .compose(resp -> ok(node, resp));
  }

  private static ApiException unreachable(NodeInfo node, Throwable err) {
    LOG.warn("node {} at {} did not answer: {}", node.nodeId(), node.agentUrl(), err.toString());
    return new ApiException(502, "node_unreachable", "the repl's node did not answer; try again");
  }

  private static Future<JsonObject> ok(NodeInfo node, HttpResponse<Buffer> resp) {
    JsonObject body;
    try {
      body = resp.bodyAsJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    if (resp.statusCode() == 200 && body != null) return Future.succeededFuture(body);
    String code = body == null ? "node_error" : body.getString("error", "node_error");
    if (body == null || !body.containsKey("message"))
      LOG.warn("node {} answered {}", node.nodeId(), resp.statusCode());
    String message =
        body == null
            ? "the repl's node answered " + resp.statusCode()
            : body.getString("message", "the repl's node answered " + resp.statusCode());
    // The node's own 4xx and 503 (storage unavailable) mean the same to the client; other failures
    // are a bad gateway.
    int status =
        (resp.statusCode() >= 400 && resp.statusCode() < 500) || resp.statusCode() == 503
            ? resp.statusCode()
            : 502;
    return Future.failedFuture(new ApiException(status, code, message));
  }
}
