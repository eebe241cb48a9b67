package io.pier.common.auth;

import java.time.Instant;

/**
 * Who a request comes from, as a signed token or an API key says.
 *
 * @param subject  a username, or {@code service:<name>} for a Pier service calling another
 * @param issuedAt when the token was signed; a sign-out or a role change revokes the subject's tokens issued before it
 * @param apiKeyId the id of the API key the request carried, or null for a signed token
 */
public record AuthToken(
    String subject, boolean admin, Instant expiresAt, Instant issuedAt, String apiKeyId) {
  /** A signed token's caller. */
  public AuthToken(String subject, boolean admin, Instant expiresAt, Instant issuedAt) {
    this(subject, admin, expiresAt, issuedAt, null);
  }

  /** The caller an API key names: its account, with the role its entry carries; a key without expiry never expires. */
  static AuthToken ofApiKey(ApiKeyEntry key) {
    return new AuthToken(
        key.owner(),
        key.admin(),
        key.expiresAt() == null ? Instant.MAX : key.expiresAt(),
        key.createdAt(),
        key.id());
  }

  public boolean isService() {
    return subject.startsWith("service:");
  }

  /** True when the request carried an API key rather than a signed token. */
  public boolean isApiKey() {
    return apiKeyId != null;
  }
}
