package io.pier.common.auth;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * An API key as the cluster map {@code pier.apikeys} publishes it to every service: what it takes to check a key and
 * name its caller, never the key itself.
 *
 * @param secretHash the SHA-256 of the key's secret ({@link ApiKeyText#hash})
 * @param admin      whether its account is an administrator now: the scheduler sets it when it publishes the key and
 *                   again when the account's role changes, so a key acts with its account's current role
 * @param expiresAt  when it stops working, or null for never
 * @param lastUsedAt when a service last saw it used, to the minute (see {@link ApiKeyUses}), or null
 */
public record ApiKeyEntry(
    String id,
    String owner,
    String name,
    String secretHash,
    boolean admin,
    Instant createdAt,
    Instant expiresAt,
    Instant lastUsedAt) {

  /** True once the key no longer works at {@code now}. */
  public boolean expired(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  public ApiKeyEntry withAdmin(boolean nowAdmin) {
    return new ApiKeyEntry(id, owner, name, secretHash, nowAdmin, createdAt, expiresAt, lastUsedAt);
  }

  public ApiKeyEntry withLastUsedAt(Instant at) {
    return new ApiKeyEntry(id, owner, name, secretHash, admin, createdAt, expiresAt, at);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("owner", owner)
        .put("name", name)
        .put("secretHash", secretHash)
        .put("admin", admin)
        .put("createdAt", createdAt.toString())
        .put("expiresAt", expiresAt == null ? null : expiresAt.toString())
        .put("lastUsedAt", lastUsedAt == null ? null : lastUsedAt.toString());
  }

  public static ApiKeyEntry fromJson(JsonObject json) {
    String expires = json.getString("expiresAt");
    String used = json.getString("lastUsedAt");
    return new ApiKeyEntry(
        json.getString("id"),
        json.getString("owner"),
        json.getString("name"),
        json.getString("secretHash"),
        json.getBoolean("admin", false),
        Instant.parse(json.getString("createdAt")),
        expires == null ? null : Instant.parse(expires),
        used == null ? null : Instant.parse(used));
  }
}
