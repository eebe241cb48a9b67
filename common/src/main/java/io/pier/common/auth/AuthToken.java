package io.pier.common.auth;

import java.time.Instant;

/**
 * Who a request comes from, as a signed token says.
 *
 * @param subject  a username, or {@code service:<name>} for a Pier service calling another
 * @param issuedAt when the token was signed; a sign-out or a role change revokes the subject's tokens issued before it
 */
public record AuthToken(String subject, boolean admin, Instant expiresAt, Instant issuedAt) {
  public boolean isService() {
    return subject.startsWith("service:");
  }
}
