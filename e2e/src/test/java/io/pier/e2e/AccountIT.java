package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.store.StorageLayout;
import io.pier.scheduler.auth.Accounts;
import io.pier.scheduler.auth.ApiKeys;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A user's own account on a real Pier, every call through the edge-proxy: a new password signs the other sessions out
 * and keeps the API keys; deleting the account (a {@code DELETE} with a JSON body, which the edge passes on) stops its
 * running repl on the node (the container goes), deletes the repls' storage and the account's keys and record, and
 * signs it out.
 */
class AccountIT {
  private static final String OLD = "an old passphrase";
  private static final String NEW = "a new passphrase";

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private HttpResponse<String> call(
      PierOnLoopback pier, String method, String path, String json, String bearer)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + path))
            .timeout(Duration.ofSeconds(120))
            .header("Host", PierOnLoopback.DOMAIN)
            .header("Content-Type", "application/json");
    if (bearer != null) b.header("Authorization", "Bearer " + bearer);
    b.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String credentials(String username, String password) {
    return new JsonObject().put("username", username).put("password", password).encode();
  }

  private String token(HttpResponse<String> signedIn, int status) {
    assertEquals(status, signedIn.statusCode(), signedIn.body());
    return new JsonObject(signedIn.body()).getString("token");
  }

  private int replsStatus(PierOnLoopback pier, String bearer) throws Exception {
    return call(pier, "GET", "/api/repls", null, bearer).statusCode();
  }

  @Test
  void aNewPasswordSignsOthersOutAndDeletingTheAccountTakesItsRunningReplWithIt() throws Exception {
    try (PierOnLoopback pier = new PierOnLoopback()) {
      String first =
          token(call(pier, "POST", "/api/auth/signup", credentials("ada", OLD), null), 201);
      String second =
          token(call(pier, "POST", "/api/auth/login", credentials("ada", OLD), null), 200);
      HttpResponse<String> created =
          call(pier, "POST", "/api/repls", "{\"template\":\"node\"}", first);
      assertEquals(201, created.statusCode(), created.body());
      String slug = new JsonObject(created.body()).getString("slug");
      HttpResponse<String> started = call(pier, "POST", "/api/repls/" + slug + "/start", "", first);
      assertEquals(200, started.statusCode(), started.body());
      assertFalse(pier.containersOf(slug).isEmpty(), "the repl runs in a container");
      HttpResponse<String> key = call(pier, "POST", "/api/keys", "{\"name\":\"ci\"}", first);
      assertEquals(201, key.statusCode(), key.body());
      String apiKey = new JsonObject(key.body()).getString("key");

      String change =
          new JsonObject().put("currentPassword", "a wrong guess").put("newPassword", NEW).encode();
      HttpResponse<String> refused =
          call(pier, "POST", "/api/accounts/ada/password", change, first);
      assertEquals(403, refused.statusCode(), refused.body());
      assertEquals("wrong_password", new JsonObject(refused.body()).getString("error"));
      change = new JsonObject().put("currentPassword", OLD).put("newPassword", NEW).encode();
      String third = token(call(pier, "POST", "/api/accounts/ada/password", change, first), 200);
      assertEquals(200, replsStatus(pier, third), "the caller is signed in again");
      assertEquals(401, replsStatus(pier, second), "another session is signed out");
      assertEquals(401, replsStatus(pier, first), "so is the token the change was made with");
      assertEquals(200, replsStatus(pier, apiKey), "API keys stay");
      assertEquals(
          401, call(pier, "POST", "/api/auth/login", credentials("ada", OLD), null).statusCode());

      HttpResponse<String> deleted =
          call(pier, "DELETE", "/api/accounts/ada", "{\"password\":\"" + NEW + "\"}", third);
      assertEquals(200, deleted.statusCode(), deleted.body());
      JsonObject gone = new JsonObject(deleted.body());
      assertEquals(1, gone.getInteger("replsDeleted"), deleted.body());
      assertEquals(1, gone.getInteger("apiKeysRevoked"), deleted.body());
      assertTrue(pier.containersOf(slug).isEmpty(), "the running repl's container is gone");
      assertFalse(Files.exists(pier.workspace(slug)), "and its workspace on the node");
      assertTrue(pier.store.list(StorageLayout.repl(slug)).isEmpty(), "and its storage");
      assertTrue(pier.store.list(ApiKeys.PREFIX + "ada/").isEmpty(), "and the account's keys");
      assertTrue(pier.store.get(Accounts.key("ada")).isEmpty(), "and the account");
      assertEquals(401, replsStatus(pier, third), "signed out");
      assertEquals(401, replsStatus(pier, apiKey), "its API key is refused");
      assertEquals(
          401, call(pier, "POST", "/api/auth/login", credentials("ada", NEW), null).statusCode());

      String other =
          token(call(pier, "POST", "/api/auth/signup", credentials("bea", OLD), null), 201);
      HttpResponse<String> asked = call(pier, "GET", "/api/repls/" + slug, null, other);
      assertEquals(404, asked.statusCode(), asked.body());
    }
  }
}
