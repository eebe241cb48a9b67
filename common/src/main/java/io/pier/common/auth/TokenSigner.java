package io.pier.common.auth;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks Pier's tokens: {@code v1.<payload>.<signature>}, the payload a base64url JSON object
 * ({@code sub}, {@code adm}, {@code exp}), the signature an HMAC-SHA256 over it with the secret every Pier service
 * shares. Tokens expire; a token signed with another secret, altered, expired or malformed is refused.
 */
public final class TokenSigner {
  private static final String VERSION = "v1";
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final SecretKeySpec key;
  private final Clock clock;

  public TokenSigner(String secret, Clock clock) {
    if (secret == null || secret.length() < 16) {
      throw new IllegalArgumentException("the token secret must have at least 16 characters");
    }
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.clock = clock;
  }

  public String issue(String subject, boolean admin, Duration ttl) {
    String payload = ENCODER.encodeToString(new JsonObject().put("sub", subject).put("adm", admin)
        .put("exp", clock.instant().plus(ttl).getEpochSecond()).encode().getBytes(StandardCharsets.UTF_8));
    return VERSION + "." + payload + "." + sign(payload);
  }

  /** @return the token's claims, or empty when it is not a valid, current token signed with our secret */
  public Optional<AuthToken> verify(String token) {
    if (token == null) return Optional.empty();
    String[] parts = token.split("\\.");
    if (parts.length != 3 || !parts[0].equals(VERSION)) return Optional.empty();
    byte[] expected = sign(parts[1]).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, parts[2].getBytes(StandardCharsets.US_ASCII))) return Optional.empty();
    try {
      JsonObject claims = new JsonObject(new String(DECODER.decode(parts[1]), StandardCharsets.UTF_8));
      Instant expires = Instant.ofEpochSecond(claims.getLong("exp"));
      if (!expires.isAfter(clock.instant())) return Optional.empty();
      return Optional.of(new AuthToken(claims.getString("sub"), claims.getBoolean("adm", false), expires));
    } catch (RuntimeException malformed) {
      return Optional.empty();
    }
  }

  private String sign(String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return ENCODER.encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
