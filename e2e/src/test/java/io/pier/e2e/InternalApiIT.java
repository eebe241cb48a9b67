package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** A node-agent's internal API answers Pier's services only: no token, a user's token and a forged one are refused. */
class InternalApiIT {
  @Test
  void theInternalApiRefusesEveryoneButPiersServices() throws Exception {
    try (PierOnLoopback pier = new PierOnLoopback()) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + pier.nodePort + "/internal/repls/any-repl/start";
      assertEquals(401, post(http, base, null).statusCode());
      assertEquals(
          401, post(http, base, pier.userToken).statusCode(), "a user's token is not a service's");
      assertEquals(
          401, post(http, base, pier.adminToken).statusCode(), "nor is an administrator's");
      assertEquals(
          400,
          post(http, base, pier.serviceToken).statusCode(),
          "a service gets through to the request check");
    }
  }

  private static HttpResponse<String> post(HttpClient http, String url, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .header("Content-Type", "application/json");
    if (token != null) request.header("Authorization", "Bearer " + token);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
