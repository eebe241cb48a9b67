package io.pier.common.auth;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks Pier's tokens: {@code v2.<kid>.<payload>.<signature>}. The payload is a base64url JSON object
 * ({@code sub}, {@code adm}, {@code iat} in epoch milliseconds, {@code exp} in epoch seconds, and {@code aud} on
 * scoped tokens); the signature an HMAC-SHA256 over {@code v2.<kid>.<payload>} with the secret whose key id is
 * {@code kid}. A token signed with an unknown secret, altered, expired, revoked (see {@link Revocations}) or malformed
 * is refused, and so are tokens of the old {@code v1} format, which had neither key id nor issue time.
 *
 * <p>Secrets rotate: {@code PIER_AUTH_SECRET} is a comma-separated list, the first signs, every one verifies. To
 * rotate, put a new secret first and keep the old one after it for one token lifetime ({@code PIER_TOKEN_TTL_H}),
 * then drop it. The key id is derived from the secret (a truncated SHA-256 of it, which reveals nothing usable), so
 * nobody has to name keys.
 *
 * <p>Three kinds exist. API tokens carry no {@code aud}: they open the API, IDE sessions and node-agents. Preview
 * tokens carry {@code aud = "preview:<slug>"} and open only that repl's private preview. Each kind is refused where
 * the other is expected, so a preview token that a repl's app sees in its cookies cannot be used against the API.
 * The metrics token ({@link #metricsToken()}) is not a signed claim set but a value derived from the secret; it opens
 * only {@code /metrics}.
 *
 * <p>Wherever an API token is accepted, so is an API key ({@code pier_<id>_<secret>}, see {@link ApiKeyTable}): it
 * names its account with the account's current role, and sign-outs do not revoke it (deleting it does).
 */
public final class TokenSigner {
  private static final String VERSION = "v2";
  private static final String PREVIEW_AUDIENCE = "preview:";
  private static final String METRICS_PREFIX = "pm1.";
  private static final int MIN_SECRET = 16;
  private static final int MAX_TOKEN = 4096;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  /** Key id to key, the signing key first. */
  private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();

  private final String signingKid;
  private final Clock clock;
  private final Revocations revocations;
  private final ApiKeyTable apiKeys;

  /** A signer whose revocations live in this process only (tests, tools). */
  public TokenSigner(String secrets, Clock clock) {
    this(secrets, clock, Revocations.local(clock));
  }

  /**
   * @param secrets     one secret, or several separated by commas: the first signs, all of them verify
   * @param revocations the revocations every verification consults
   */
  public TokenSigner(String secrets, Clock clock, Revocations revocations) {
    this(secrets, clock, revocations, ApiKeyTable.local(clock));
  }

  /**
   * @param secrets     one secret, or several separated by commas: the first signs, all of them verify
   * @param revocations the revocations every verification consults
   * @param apiKeys     the API keys {@link #verify} accepts besides signed tokens
   */
  public TokenSigner(String secrets, Clock clock, Revocations revocations, ApiKeyTable apiKeys) {
    List<String> problems = problems(secrets);
    if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("; ", problems));
    for (String secret : split(secrets)) {
      keys.putIfAbsent(
          keyId(secret), new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    }
    this.signingKid = keys.keySet().iterator().next();
    this.clock = clock;
    this.revocations = revocations;
    this.apiKeys = apiKeys;
  }

  /** What is wrong with a {@code PIER_AUTH_SECRET} value; empty when it is fine. */
  public static List<String> problems(String secrets) {
    List<String> problems = new ArrayList<>();
    if (secrets == null || split(secrets).isEmpty()) {
      problems.add("the token secret is missing");
      return problems;
    }
    for (String secret : secrets.split(",", -1)) {
      if (secret.trim().length() < MIN_SECRET) {
        problems.add(
            "the token secret must have at least "
                + MIN_SECRET
                + " characters"
                + (secrets.contains(",") ? " in each of its comma-separated parts" : ""));
        break;
      }
    }
    return problems;
  }

  static List<String> split(String secrets) {
    List<String> parts = new ArrayList<>();
    for (String part : secrets.split(",")) {
      if (!part.isBlank()) parts.add(part.trim());
    }
    return parts;
  }

  /** The key id of a secret: the first 8 bytes of SHA-256 over it, base64url. */
  static String keyId(String secret) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(("pier-token-key:" + secret).getBytes(StandardCharsets.UTF_8));
      return ENCODER.encodeToString(Arrays.copyOf(digest, 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The revocations this signer consults. */
  public Revocations revocations() {
    return revocations;
  }

  /** An API token: a user's sign-in, or a service's ({@code service:<name>}) for a call to another service. */
  public String issue(String subject, boolean admin, Duration ttl) {
    return sign(claims(subject, admin, ttl));
  }

  /**
   * An API token issued after {@code revokedUpTo}, which a revocation of the subject's tokens up to then does not
   * refuse: its issue time is a millisecond past it when the clock has not moved on yet (a new password's sign-in,
   * issued in the same request that revoked every other token).
   */
  public String issueAfter(String subject, boolean admin, Duration ttl, Instant revokedUpTo) {
    JsonObject claims = claims(subject, admin, ttl);
    long after = revokedUpTo.toEpochMilli() + 1;
    if (claims.getLong("iat") < after) claims.put("iat", after);
    return sign(claims);
  }

  /** A token that opens only the private preview of {@code slug}, for {@code subject}; never an API token. */
  public String issuePreview(String subject, boolean admin, String slug, Duration ttl) {
    return sign(claims(subject, admin, ttl).put("aud", PREVIEW_AUDIENCE + slug));
  }

  /**
   * @return the claims of an API token, or the caller of an API key; empty when it is not a valid, current, unrevoked
   *     API token signed with one of our secrets (preview tokens included) nor a current API key
   */
  public Optional<AuthToken> verify(String token) {
    if (ApiKeyText.looksLikeKey(token)) return apiKeys.verify(token);
    return valid(token).filter(claims -> !claims.containsKey("aud")).map(TokenSigner::toAuthToken);
  }

  /** @return the claims of a valid, current, unrevoked preview token for {@code slug}; empty for anything else */
  public Optional<AuthToken> verifyPreview(String token, String slug) {
    return valid(token)
        .filter(claims -> (PREVIEW_AUDIENCE + slug).equals(claims.getValue("aud")))
        .map(TokenSigner::toAuthToken);
  }

  /**
   * The token Prometheus sends to {@code /metrics} ({@code Authorization: Bearer}): derived from the signing secret,
   * so every service knows it without more configuration, and knowing it tells nothing about the secret. It changes
   * when the secret does; during a rotation the previous secret's still opens {@code /metrics}.
   */
  public String metricsToken() {
    return metricsToken(keys.get(signingKid));
  }

  /** True when {@code token} is the metrics token of one of our secrets. */
  public boolean isMetricsToken(String token) {
    if (token == null || !token.startsWith(METRICS_PREFIX) || token.length() > MAX_TOKEN)
      return false;
    boolean match = false;
    for (SecretKeySpec key : keys.values()) {
      match |=
          MessageDigest.isEqual(
              metricsToken(key).getBytes(StandardCharsets.US_ASCII),
              token.getBytes(StandardCharsets.US_ASCII));
    }
    return match;
  }

  private static String metricsToken(SecretKeySpec key) {
    // No '.' in the input: it can never be the signature of a token, whose signed text always has
    // one.
    return METRICS_PREFIX + mac(key, "pier metrics token");
  }

  private JsonObject claims(String subject, boolean admin, Duration ttl) {
    Instant now = clock.instant();
    return new JsonObject()
        .put("sub", subject)
        .put("adm", admin)
        .put("iat", now.toEpochMilli())
        .put("exp", now.plus(ttl).getEpochSecond());
  }

  private String sign(JsonObject claims) {
    String payload = ENCODER.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    String signed = VERSION + "." + signingKid + "." + payload;
    return signed + "." + mac(keys.get(signingKid), signed);
  }

  private Optional<JsonObject> valid(String token) {
    if (token == null || token.length() > MAX_TOKEN) return Optional.empty();
    String[] parts = token.split("\\.", -1);
    if (parts.length != 4 || !parts[0].equals(VERSION)) return Optional.empty();
    SecretKeySpec key = keys.get(parts[1]);
    if (key == null) return Optional.empty();
    String signed = parts[0] + "." + parts[1] + "." + parts[2];
    byte[] expected = mac(key, signed).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, parts[3].getBytes(StandardCharsets.US_ASCII)))
      return Optional.empty();
    try {
      JsonObject claims =
          new JsonObject(new String(DECODER.decode(parts[2]), StandardCharsets.UTF_8));
      if (!(claims.getValue("sub") instanceof String subject)) return Optional.empty();
      claims.getBoolean("adm", false); // throws when it is not a boolean
      if (!Instant.ofEpochSecond(claims.getLong("exp")).isAfter(clock.instant()))
        return Optional.empty();
      if (!(claims.getValue("iat") instanceof Number iat)) return Optional.empty();
      if (!revocations.allows(subject, Instant.ofEpochMilli(iat.longValue())))
        return Optional.empty();
      return Optional.of(claims);
    } catch (RuntimeException malformed) {
      return Optional.empty();
    }
  }

  private static AuthToken toAuthToken(JsonObject claims) {
    return new AuthToken(
        claims.getString("sub"),
        claims.getBoolean("adm", false),
        Instant.ofEpochSecond(claims.getLong("exp")),
        Instant.ofEpochMilli(claims.getLong("iat")));
  }

  private static String mac(SecretKeySpec key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return ENCODER.encodeToString(mac.doFinal(text.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }
}
