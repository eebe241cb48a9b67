package io.pier.common.auth;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals a repl's environment variables for storage: AES-256-GCM under a key derived from {@code PIER_AUTH_SECRET}
 * (HMAC-SHA256 of the secret over a label of its own, so the key is never the signing secret), with the repl and the
 * variable's name as associated data, so that a sealed value copied under another name or repl does not open.
 *
 * <p>It rotates with the secret, as tokens do: the first secret of the list seals, every one opens, and each sealed
 * value names its key by the secret's key id. Values sealed under a secret that has been dropped from the list no
 * longer open; {@link #opens} tells, so a reader can say which.
 */
public final class EnvCipher {
  private static final String LABEL = "pier repl environment v1";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
  private final String sealingKeyId;
  private final SecureRandom random = new SecureRandom();

  /** @param secrets {@code PIER_AUTH_SECRET}: one secret or several separated by commas, the first seals */
  public EnvCipher(String secrets) {
    List<String> problems = TokenSigner.problems(secrets);
    if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("; ", problems));
    for (String secret : TokenSigner.split(secrets)) {
      keys.putIfAbsent(TokenSigner.keyId(secret), new SecretKeySpec(derive(secret), "AES"));
    }
    sealingKeyId = keys.keySet().iterator().next();
  }

  private static byte[] derive(String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(LABEL.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is missing from this JVM", e);
    }
  }

  /** @param context what the value belongs to (repl and name): needed again to open it */
  public JsonObject seal(String context, String value) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE, keys.get(sealingKeyId), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
      return new JsonObject()
          .put("kid", sealingKeyId)
          .put("nonce", Base64.getEncoder().encodeToString(nonce))
          .put("sealed", Base64.getEncoder().encodeToString(sealed));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is missing from this JVM", e);
    }
  }

  /** Whether a sealed value's key is among this cipher's secrets. */
  public boolean opens(JsonObject sealed) {
    return keys.containsKey(sealed.getString("kid"));
  }

  /**
   * @throws IllegalArgumentException when its key is unknown (a dropped secret), or it was altered or sealed for
   *     another context
   */
  public String open(String context, JsonObject sealed) {
    SecretKeySpec key = keys.get(sealed.getString("kid"));
    if (key == null)
      throw new IllegalArgumentException("sealed with a secret no longer configured");
    String nonce = sealed.getString("nonce");
    String data = sealed.getString("sealed");
    if (nonce == null || data == null) throw new IllegalArgumentException("not a sealed value");
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          key,
          new GCMParameterSpec(TAG_BITS, Base64.getDecoder().decode(nonce)));
      cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      return new String(cipher.doFinal(Base64.getDecoder().decode(data)), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("the sealed value does not open: altered or misplaced");
    }
  }
}
