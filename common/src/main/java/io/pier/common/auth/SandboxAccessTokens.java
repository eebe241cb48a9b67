package io.pier.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The per-repl access token of the in-sandbox API (E2B's {@code envdAccessToken}, sent as {@code X-Access-Token}):
 * HMAC-SHA256 over the repl's slug and creation time under a key derived from {@code PIER_AUTH_SECRET}, so every
 * service can check it without a lookup of its own, a repl made again under an old slug gets another token, and all
 * tokens change when the secret rotates out. The first secret of the list issues; every one is accepted.
 *
 * <p>{@link #forTraffic} makes the other per-repl token, E2B's {@code trafficAccessToken} (sent as
 * {@code e2b-traffic-access-token}), which opens a private repl's ports and nothing else: under a key of its own, so
 * that handing it to the browsers of a sandbox's web app never gives them the in-sandbox API.
 */
public final class SandboxAccessTokens {
  private static final String LABEL = "pier-sandbox-access-v1";
  private static final String TRAFFIC_LABEL = "pier-sandbox-traffic-v1";

  private final List<byte[]> keys = new ArrayList<>();

  /** @param secrets {@code PIER_AUTH_SECRET}: one secret or several separated by commas, the first issues */
  public SandboxAccessTokens(String secrets) {
    this(secrets, LABEL);
  }

  private SandboxAccessTokens(String secrets, String label) {
    List<String> problems = TokenSigner.problems(secrets);
    if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("; ", problems));
    for (String secret : TokenSigner.split(secrets)) keys.add(hmac(bytes(secret), label));
  }

  /** The tokens that open a private repl's ports (E2B's {@code trafficAccessToken}), not its in-sandbox API. */
  public static SandboxAccessTokens forTraffic(String secrets) {
    return new SandboxAccessTokens(secrets, TRAFFIC_LABEL);
  }

  /** The token of the repl {@code slug} created at {@code createdAt} (epoch milliseconds). */
  public String issue(String slug, long createdAt) {
    return token(keys.get(0), slug, createdAt);
  }

  /** Whether {@code presented} is the token of that repl under any of the secrets; constant time per secret. */
  public boolean verify(String slug, long createdAt, String presented) {
    if (presented == null || presented.isEmpty()) return false;
    byte[] given = bytes(presented);
    boolean ok = false;
    for (byte[] key : keys) {
      ok |= MessageDigest.isEqual(bytes(token(key, slug, createdAt)), given);
    }
    return ok;
  }

  private static String token(byte[] key, String slug, long createdAt) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(hmac(key, slug + "\n" + createdAt));
  }

  private static byte[] hmac(byte[] key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(bytes(text));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is missing from this JVM", e);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
