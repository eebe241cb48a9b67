package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.auth.SandboxAccessTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Any port of a repl's sandbox through E2B's hosts (issue 20), end to end: the edge-proxy, a real node-agent and repl
 * containers. Each repl serves its folder with {@code python3 -m http.server 8000}, started through the programs' exec
 * API; a public repl's port answers anyone, a private one's its owner or its traffic access token, and a crafted path
 * reaches no other repl.
 */
class SandboxPortsIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String SERVER_UP =
      "for i in $(seq 300); do python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", 8000))'"
          + " 2>/dev/null && exit 0; sleep 0.1; done; exit 1";

  private static PierOnLoopback pier;
  private static String open;
  private static String hidden;
  private static Instant hiddenCreatedAt;

  @BeforeAll
  static void startTwoReplsServingPort8000() throws Exception {
    pier = new PierOnLoopback();
    open = startServing("{\"template\":\"python\"}");
    hidden = startServing("{\"template\":\"python\",\"visibility\":\"private\"}");
    hiddenCreatedAt =
        Instant.parse(
            new JsonObject(api("GET", "/api/repls/" + hidden, null).body()).getString("createdAt"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (pier != null) pier.close();
  }

  private static String startServing(String create) throws Exception {
    HttpResponse<String> created = api("POST", "/api/repls", create);
    assertTrue(created.statusCode() == 200 || created.statusCode() == 201, created.body());
    String slug = new JsonObject(created.body()).getString("slug");
    assertEquals(200, api("POST", "/api/repls/" + slug + "/start", "").statusCode());
    HttpResponse<String> serving =
        api(
            "POST",
            "/api/repls/" + slug + "/exec",
            cmd("python3", "-m", "http.server", "8000", "--bind", "0.0.0.0")
                .put("background", true)
                .encode());
    assertEquals(202, serving.statusCode(), serving.body());
    HttpResponse<String> up =
        api("POST", "/api/repls/" + slug + "/exec", cmd("sh", "-c", SERVER_UP).encode());
    assertEquals(0, new JsonObject(up.body()).getInteger("exitCode"), up.body());
    return slug;
  }

  @Test
  void aReplsPortAnswersThroughTheEdgeByItsHost() throws Exception {
    HttpResponse<String> listing = get("8000-" + open + "." + PierOnLoopback.DOMAIN, "/");
    assertEquals(200, listing.statusCode(), listing.body());
    assertTrue(listing.body().contains("main.py"), "the repl's folder, served by its app");
  }

  @Test
  void theSandboxHostReachesThePortItsHeadersName() throws Exception {
    HttpResponse<String> listing =
        HTTP.send(
            request("sandbox." + PierOnLoopback.DOMAIN, "/")
                .header("E2b-Sandbox-Id", open)
                .header("E2b-Sandbox-Port", "8000")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, listing.statusCode(), listing.body());
    assertTrue(listing.body().contains("main.py"));
  }

  @Test
  void aPrivateReplsPortOpensToItsOwnerOrItsTrafficTokenOnly() throws Exception {
    String host = "8000-" + hidden + "." + PierOnLoopback.DOMAIN;
    assertEquals(401, get(host, "/").statusCode());
    assertEquals(
        403,
        HTTP.send(
                request(host, "/")
                    .header("Authorization", "Bearer " + pier.adminToken + "x")
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .statusCode(),
        "a token that is none");
    assertEquals(
        200,
        HTTP.send(
                request(host, "/").header("Authorization", "Bearer " + pier.userToken).build(),
                HttpResponse.BodyHandlers.ofString())
            .statusCode());
    String traffic =
        SandboxAccessTokens.forTraffic(PierOnLoopback.AUTH_SECRET)
            .issue(hidden, hiddenCreatedAt.toEpochMilli());
    assertEquals(
        200,
        HTTP.send(
                request(host, "/").header("e2b-traffic-access-token", traffic).build(),
                HttpResponse.BodyHandlers.ofString())
            .statusCode());
    String openReplsToken =
        SandboxAccessTokens.forTraffic(PierOnLoopback.AUTH_SECRET).issue(open, 0);
    assertEquals(
        403,
        HTTP.send(
                request(host, "/").header("e2b-traffic-access-token", openReplsToken).build(),
                HttpResponse.BodyHandlers.ofString())
            .statusCode());
  }

  @Test
  void anotherReplsPortIsNotReachedThroughACraftedPath() throws Exception {
    String host = "8000-" + open + "." + PierOnLoopback.DOMAIN;
    for (String path :
        List.of(
            "/../../" + hidden + "/8000/",
            "/%2e%2e/%2e%2e/" + hidden + "/8000/",
            "/%2E%2E/%2e./" + hidden + "/8000/")) {
      assertEquals(400, rawStatus(pier.edgePort, host, path), "through the edge: " + path);
      assertEquals(
          400,
          rawStatus(pier.nodePort, host, "/ports/" + open + "/8000" + path),
          "at the node-agent: " + path);
    }
  }

  @Test
  void aPortWhereNothingListensAndASandboxThatDoesNotRunAre502s() throws Exception {
    HttpResponse<String> closed = get("8001-" + open + "." + PierOnLoopback.DOMAIN, "/");
    assertEquals(502, closed.statusCode(), closed.body());
    assertEquals(8001, new JsonObject(closed.body()).getInteger("port"));
    HttpResponse<String> gone = get("8000-never-was-000000." + PierOnLoopback.DOMAIN, "/");
    assertEquals(502, gone.statusCode(), gone.body());
    assertEquals("never-was-000000", new JsonObject(gone.body()).getString("sandboxId"));
  }

  // ---

  private static JsonObject cmd(String... argv) {
    return new JsonObject().put("cmd", new JsonArray(List.of((Object[]) argv)));
  }

  private static HttpRequest.Builder request(String host, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + path))
        .timeout(Duration.ofSeconds(90))
        .header("Host", host);
  }

  private static HttpResponse<String> get(String host, String path) throws Exception {
    return HTTP.send(request(host, path).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> api(String method, String path, String json)
      throws Exception {
    HttpRequest.Builder request =
        request(PierOnLoopback.DOMAIN, path)
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + pier.userToken);
    request.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The status of a request sent byte for byte as written (no client normalises its path). */
  private static int rawStatus(int port, String host, String path) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(60_000);
      s.getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.UTF_8));
      String status =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      return Integer.parseInt(status.split(" ")[1]);
    }
  }
}
