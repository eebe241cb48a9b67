package io.pier.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The account's API keys ({@code /api/keys}). */
public final class Keys {
  private final Http http;

  Keys(Http http) {
    this.http = http;
  }

  /** A key as listed; {@code key} is only set in the answer to {@link #create}, the one time it is shown. */
  public record ApiKey(String id, String name, String key, String expiresAt) {}

  public ApiKey create(String name) {
    return key(http.call("POST", "/api/keys", http.object().put("name", name)));
  }

  public List<ApiKey> list() {
    List<ApiKey> keys = new ArrayList<>();
    http.call("GET", "/api/keys", null).path("keys").forEach(k -> keys.add(key(k)));
    return keys;
  }

  /** Revokes the key: every service refuses it within seconds. */
  public void revoke(String id) {
    http.call("DELETE", "/api/keys/" + UriPaths.segment(id), null);
  }

  private static ApiKey key(JsonNode json) {
    return new ApiKey(
        json.path("id").asText(),
        json.path("name").asText(),
        json.path("key").asText(null),
        json.path("expiresAt").asText(null));
  }
}
