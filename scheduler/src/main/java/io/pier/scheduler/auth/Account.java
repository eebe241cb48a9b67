package io.pier.scheduler.auth;

import io.vertx.core.json.JsonObject;

/**
 * An account as stored. In storage, {@code administrator} is the flag the setup token or an administrator set; the
 * {@code admin} field of accounts made by earlier versions (a copy of {@code PIER_ADMINS} at sign-up) is ignored, so for
 * them the list alone decides, as it did.
 */
public record Account(
    String username, String salt, String hash, int iterations, boolean admin, String createdAt) {

  /** The same account with this administrator flag. */
  Account withAdmin(boolean administrator) {
    return new Account(username, salt, hash, iterations, administrator, createdAt);
  }

  /** The same account with another password's hash. */
  Account withPassword(PasswordHashing.Hashed password) {
    return new Account(
        username, password.salt(), password.hash(), password.iterations(), admin, createdAt);
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("username", username)
        .put("salt", salt)
        .put("hash", hash)
        .put("iterations", iterations)
        .put("administrator", admin)
        .put("createdAt", createdAt);
  }

  static Account fromJson(JsonObject json) {
    return new Account(
        json.getString("username"),
        json.getString("salt"),
        json.getString("hash"),
        json.getInteger("iterations"),
        json.getBoolean("administrator", false),
        json.getString("createdAt"));
  }
}
