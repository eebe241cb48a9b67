package io.pier.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls Pier's REST API through the edge-proxy of a {@link PierOnLoopback}, as its user (its admin for the fleet). */
final class EdgeApi {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private EdgeApi() {}

  /** {@code method path} with {@code json} as its body (none when null); waits up to 150 s for the answer. */
  static HttpResponse<String> send(PierOnLoopback pier, String method, String path, String json)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + path))
            .timeout(Duration.ofSeconds(150))
            .header("Host", PierOnLoopback.DOMAIN)
            .header(
                "Authorization",
                "Bearer "
                    + (path.startsWith("/api/nodes") || path.startsWith("/api/fleet")
                        ? pier.adminToken
                        : pier.userToken));
    if (json != null) request.header("Content-Type", "application/json");
    request.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
