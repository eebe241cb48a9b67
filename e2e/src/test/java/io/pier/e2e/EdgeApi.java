package io.pier.e2e;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls Pier's REST API through the edge-proxy of a {@link PierOnLoopback}, as its user (its admin for the fleet, and to learn which node runs a repl). */
final class EdgeApi {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private EdgeApi() {}

  /** {@code method path} with {@code json} as its body (none when null); waits up to 150 s for the answer. */
  static HttpResponse<String> send(PierOnLoopback pier, String method, String path, String json)
      throws Exception {
    return send(
        pier,
        method,
        path,
        json,
        path.startsWith("/api/nodes") || path.startsWith("/api/fleet")
            ? pier.adminToken
            : pier.userToken);
  }

  /** The same call as the administrator, who alone is told which node runs a repl. */
  static HttpResponse<String> asAdmin(PierOnLoopback pier, String method, String path, String json)
      throws Exception {
    return send(pier, method, path, json, pier.adminToken);
  }

  /** The node that runs the repl now (null when none), as the administrator sees it. */
  static String nodeOf(PierOnLoopback pier, String slug) throws Exception {
    return new JsonObject(asAdmin(pier, "GET", "/api/repls/" + slug, null).body())
        .getString("node");
  }

  private static HttpResponse<String> send(
      PierOnLoopback pier, String method, String path, String json, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + path))
            .timeout(Duration.ofSeconds(150))
            .header("Host", PierOnLoopback.DOMAIN)
            .header("Authorization", "Bearer " + token);
    if (json != null) request.header("Content-Type", "application/json");
    request.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
