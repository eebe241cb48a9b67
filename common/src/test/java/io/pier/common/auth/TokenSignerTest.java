package io.pier.common.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TokenSignerTest {
  private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");
  private final TokenSigner signer =
      new TokenSigner("a-secret-of-enough-length", Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void aTokenIssuedAfterARevocationInTheSameMillisecondIsNotRevoked() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    TokenSigner signer = new TokenSigner("a-secret-of-enough-length", clock);
    String before = signer.issue("ada", false, Duration.ofHours(1));
    Instant upTo = signer.revocations().revoke("ada", Duration.ofHours(1)).result();
    String after = signer.issueAfter("ada", false, Duration.ofHours(1), upTo);
    assertFalse(signer.verify(before).isPresent(), "revoked");
    assertTrue(signer.verify(after).isPresent(), "issued past the revocation, on the same clock");
    assertFalse(
        signer.verify(signer.issue("ada", false, Duration.ofHours(1))).isPresent(),
        "a plain token of the same millisecond is still revoked");
  }

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
    TokenSigner later =
        new TokenSigner(
            "a-secret-of-enough-length", Clock.fixed(NOW.plusSeconds(3601), ZoneOffset.UTC));
    assertFalse(later.verify(token).isPresent(), "expired");
    String[] parts = token.split("\\.");
    String forged =
        parts[0]
            + "."
            + parts[1]
            + "."
            + signer.issue("root", true, Duration.ofHours(1)).split("\\.")[2]
            + "."
            + parts[3];
    assertFalse(signer.verify(forged).isPresent(), "claims swapped under another signature");
    TokenSigner other =
        new TokenSigner("another-secret-entirely", Clock.fixed(NOW, ZoneOffset.UTC));
    assertFalse(other.verify(token).isPresent(), "signed with another secret");
    assertFalse(signer.verify("v1.nonsense").isPresent());
    assertFalse(signer.verify("v2.a.b.c").isPresent());
    assertFalse(signer.verify("v2." + "x".repeat(5000)).isPresent(), "too long to look at");
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
    assertFalse(
        signer.verifyPreview(token, "calm-lynx-000001").isPresent(), "another repl's preview");
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
    TokenSigner later =
        new TokenSigner(
            "a-secret-of-enough-length", Clock.fixed(NOW.plusSeconds(61), ZoneOffset.UTC));
    assertFalse(later.verifyPreview(token, "s").isPresent());
  }

  @Test
  void aTokenCarriesItsKeyIdAndWhenItWasIssued() {
    String token = signer.issue("ada", false, Duration.ofHours(1));
    String[] parts = token.split("\\.");
    assertEquals(4, parts.length, token);
    assertEquals("v2", parts[0]);
    assertEquals(TokenSigner.keyId("a-secret-of-enough-length"), parts[1]);
    assertEquals(NOW, signer.verify(token).orElseThrow().issuedAt());
  }

  @Test
  void anOldV1TokenWithoutKeyIdOrIssueTimeIsRefused() {
    // v1.<payload>.<HMAC over payload>, as the previous version signed them.
    String payload =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                ("{\"sub\":\"ada\",\"adm\":true,\"exp\":"
                        + NOW.plusSeconds(3600).getEpochSecond()
                        + "}")
                    .getBytes(StandardCharsets.UTF_8));
    assertFalse(signer.verify("v1." + payload + ".c2ln").isPresent());
  }

  @Test
  void aRotatedSecretStillVerifiesUntilItIsDroppedAndNewTokensUseTheNewOne() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    String old =
        new TokenSigner("the-old-secret-of-length", clock).issue("ada", false, Duration.ofHours(1));
    TokenSigner rotating =
        new TokenSigner("the-new-secret-of-length, the-old-secret-of-length", clock);
    assertEquals(
        "ada", rotating.verify(old).orElseThrow().subject(), "signed with the previous secret");
    String fresh = rotating.issue("ada", false, Duration.ofHours(1));
    assertEquals(
        TokenSigner.keyId("the-new-secret-of-length"),
        fresh.split("\\.")[1],
        "signed with the first");
    assertTrue(new TokenSigner("the-new-secret-of-length", clock).verify(fresh).isPresent());
    assertFalse(
        new TokenSigner("the-new-secret-of-length", clock).verify(old).isPresent(),
        "old secret dropped");
  }

  @Test
  void aTokenWhoseKeyIdNamesAnotherKeyIsRefusedEvenIfItsSignatureIsRight() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    TokenSigner both = new TokenSigner("the-new-secret-of-length,the-old-secret-of-length", clock);
    String[] parts = both.issue("ada", false, Duration.ofHours(1)).split("\\.");
    String relabelled =
        parts[0]
            + "."
            + TokenSigner.keyId("the-old-secret-of-length")
            + "."
            + parts[2]
            + "."
            + parts[3];
    assertFalse(both.verify(relabelled).isPresent());
  }

  @Test
  void secretsThatAreTooShortAreRefusedEachOne() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new TokenSigner("a-secret-of-enough-length,short", Clock.systemUTC()));
    assertThrows(IllegalArgumentException.class, () -> new TokenSigner(" , ", Clock.systemUTC()));
    assertTrue(TokenSigner.problems("a-secret-of-enough-length,another-long-secret").isEmpty());
  }

  @Test
  void aRevokedSubjectsEarlierTokensAreRefusedAndLaterOnesPass() {
    MutableClock clock = new MutableClock(NOW);
    Revocations revocations = Revocations.local(clock);
    TokenSigner signer = new TokenSigner("a-secret-of-enough-length", clock, revocations);
    String before = signer.issue("ada", true, Duration.ofHours(1));
    String preview = signer.issuePreview("ada", true, "s", Duration.ofHours(1));
    String someoneElse = signer.issue("bob", false, Duration.ofHours(1));
    clock.advance(Duration.ofMillis(5));
    revocations.revoke("ada", Duration.ofHours(2));
    assertFalse(signer.verify(before).isPresent(), "signed out: the token no longer counts");
    assertFalse(
        signer.verifyPreview(preview, "s").isPresent(), "nor does a preview token issued before");
    assertTrue(signer.verify(someoneElse).isPresent(), "only that user's tokens");
    clock.advance(Duration.ofMillis(1));
    assertTrue(
        signer.verify(signer.issue("ada", false, Duration.ofHours(1))).isPresent(),
        "a new sign-in works");
  }

  @Test
  void theMetricsTokenComesFromTheSecretOpensNothingElseAndSurvivesARotation() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    String metrics = signer.metricsToken();
    assertTrue(metrics.startsWith("pm1."), metrics);
    assertTrue(signer.isMetricsToken(metrics));
    assertEquals(
        metrics,
        new TokenSigner("a-secret-of-enough-length", clock).metricsToken(),
        "every service agrees");
    assertFalse(new TokenSigner("another-secret-entirely", clock).isMetricsToken(metrics));
    assertFalse(signer.verify(metrics).isPresent(), "not an API token");
    assertFalse(
        signer.isMetricsToken(signer.issue("ada", true, Duration.ofHours(1))),
        "an API token is no metrics token");
    assertFalse(signer.isMetricsToken(null));
    assertFalse(signer.isMetricsToken("pm1.x"));
    assertTrue(
        new TokenSigner("the-new-secret-of-length,a-secret-of-enough-length", clock)
            .isMetricsToken(metrics),
        "the previous secret's during a rotation");
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
