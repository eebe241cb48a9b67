package io.pier.common.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TokenSignerTest {
  private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");
  private final TokenSigner signer = new TokenSigner("a-secret-of-enough-length", Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void aTokenItIssuedVerifiesWithItsClaims() {
    AuthToken token = signer.verify(signer.issue("ada", true, Duration.ofHours(1))).orElseThrow();
    assertEquals("ada", token.subject());
    assertTrue(token.admin());
    assertEquals(NOW.plusSeconds(3600), token.expiresAt());
  }

  @Test
  void expiredAlteredForeignAndMalformedTokensAreRefused() {
    String token = signer.issue("ada", false, Duration.ofHours(1));
    TokenSigner later = new TokenSigner("a-secret-of-enough-length", Clock.fixed(NOW.plusSeconds(3601), ZoneOffset.UTC));
    assertFalse(later.verify(token).isPresent(), "expired");
    String[] parts = token.split("\\.");
    String forged = parts[0] + "." + signer.issue("root", true, Duration.ofHours(1)).split("\\.")[1] + "." + parts[2];
    assertFalse(signer.verify(forged).isPresent(), "claims swapped under another signature");
    TokenSigner other = new TokenSigner("another-secret-entirely", Clock.fixed(NOW, ZoneOffset.UTC));
    assertFalse(other.verify(token).isPresent(), "signed with another secret");
    assertFalse(signer.verify("v1.nonsense").isPresent());
    assertFalse(signer.verify("").isPresent());
    assertFalse(signer.verify(null).isPresent());
  }

  @Test
  void aShortSecretIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new TokenSigner("short", Clock.systemUTC()));
  }

  @Test
  void aPreviewTokenOpensOnlyItsOwnSlugsPreview() {
    String token = signer.issuePreview("ada", false, "brave-otter-3f9a2c", Duration.ofMinutes(1));
    AuthToken claims = signer.verifyPreview(token, "brave-otter-3f9a2c").orElseThrow();
    assertEquals("ada", claims.subject());
    assertFalse(signer.verifyPreview(token, "calm-lynx-000001").isPresent(), "another repl's preview");
  }

  @Test
  void aPreviewTokenIsNeverAnApiTokenNorTheOtherWayRound() {
    String preview = signer.issuePreview("ada", true, "brave-otter-3f9a2c", Duration.ofMinutes(1));
    assertFalse(signer.verify(preview).isPresent(), "a preview token must not open the API");
    String api = signer.issue("ada", true, Duration.ofHours(1));
    assertFalse(signer.verifyPreview(api, "brave-otter-3f9a2c").isPresent());
  }

  @Test
  void anExpiredPreviewTokenIsRefused() {
    String token = signer.issuePreview("ada", false, "s", Duration.ofSeconds(60));
    TokenSigner later = new TokenSigner("a-secret-of-enough-length", Clock.fixed(NOW.plusSeconds(61), ZoneOffset.UTC));
    assertFalse(later.verifyPreview(token, "s").isPresent());
  }
}
