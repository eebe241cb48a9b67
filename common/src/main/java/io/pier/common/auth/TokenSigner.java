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
 * ({@code sub}, {@code adm}, {@code exp}, and {@code aud} on scoped tokens), the signature an HMAC-SHA256 over it with
 * the secret every Pier service shares. Tokens expire; a token signed with another secret, altered, expired or
 * malformed is refused.
 *
 * <p>Two kinds exist. API tokens carry no {@code aud}: they open the API, IDE sessions and node-agents. Preview
 * tokens carry {@code aud = "preview:<slug>"} and open only that repl's private preview. Each kind is refused where
 * the other is expected, so a preview token that a repl's app sees in its cookies cannot be used against the API.
 */
public final class TokenSigner {
  private static final String VERSION = "v1";
  private static final String PREVIEW_AUDIENCE = "preview:";
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

  /** An API token: a user's sign-in, or a service's ({@code service:<name>}) for a call to another service. */
  public String issue(String subject, boolean admin, Duration ttl) {
    return sign(claims(subject, admin, ttl));
  }

  /** A token that opens only the private preview of {@code slug}, for {@code subject}; never an API token. */
  public String issuePreview(String subject, boolean admin, String slug, Duration ttl) {
    return sign(claims(subject, admin, ttl).put("aud", PREVIEW_AUDIENCE + slug));
  }

  /**
   * @return the claims of an API token, or empty when it is not a valid, current API token signed with our secret
   *     (preview tokens included)
   */
  public Optional<AuthToken> verify(String token) {
    return valid(token).filter(claims -> !claims.containsKey("aud")).map(TokenSigner::toAuthToken);
  }

  /** @return the claims of a valid, current preview token for {@code slug}; empty for anything else */
  public Optional<AuthToken> verifyPreview(String token, String slug) {
    return valid(token).filter(claims -> (PREVIEW_AUDIENCE + slug).equals(claims.getValue("aud")))
        .map(TokenSigner::toAuthToken);
  }

  private JsonObject claims(String subject, boolean admin, Duration ttl) {
    return new JsonObject().put("sub", subject).put("adm", admin)
        .put("exp", clock.instant().plus(ttl).getEpochSecond());
  }

  private String sign(JsonObject claims) {
    String payload = ENCODER.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    return VERSION + "." + payload + "." + mac(payload);
  }

  private Optional<JsonObject> valid(String token) {
    if (token == null) return Optional.empty();
    String[] parts = token.split("\\.");
    if (parts.length != 3 || !parts[0].equals(VERSION)) return Optional.empty();
    byte[] expected = mac(parts[1]).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, parts[2].getBytes(StandardCharsets.US_ASCII))) return Optional.empty();
    try {
      JsonObject claims = new JsonObject(new String(DECODER.decode(parts[1]), StandardCharsets.UTF_8));
      if (!(claims.getValue("sub") instanceof String)) return Optional.empty();
      claims.getBoolean("adm", false); // throws when it is not a boolean
      if (!Instant.ofEpochSecond(claims.getLong("exp")).isAfter(clock.instant())) return Optional.empty();
      return Optional.of(claims);
    } catch (RuntimeException malformed) {
      return Optional.empty();
    }
  }

  private static AuthToken toAuthToken(JsonObject claims) {
    return new AuthToken(claims.getString("sub"), claims.getBoolean("adm", false),
        Instant.ofEpochSecond(claims.getLong("exp")));
  }

  private String mac(String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return ENCODER.encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
