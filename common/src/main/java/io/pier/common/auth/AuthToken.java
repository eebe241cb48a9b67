package io.pier.common.auth;

import java.time.Instant;

/**
 * Who a request comes from, as a signed token says.
 *
 * @param subject a username, or {@code service:<name>} for a Pier service calling another
 */
public record AuthToken(String subject, boolean admin, Instant expiresAt) {
  public boolean isService() {
    return subject.startsWith("service:");
  }
}
