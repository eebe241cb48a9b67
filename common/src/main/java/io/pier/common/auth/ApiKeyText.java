package io.pier.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The text of an API key: {@code pier_<id>_<secret>}. The id (16 lower-case hex digits) names the key and is not
 * secret; the secret is 32 random bytes, base64url without padding (43 characters). Only the SHA-256 of the secret is
 * stored: the secret has 256 bits of entropy, so a fast hash is as good as a slow one against guessing, and it lets
 * every service check a key without a slow computation per request.
 */
public final class ApiKeyText {
  /** What every key starts with; sign-in tokens start with {@code v2.}, so the two never mix. */
  public static final String PREFIX = "pier_";

  static final int SECRET_BYTES = 32;
  private static final int ID_BYTES = 8;
  private static final Pattern SHAPE =
      Pattern.compile("pier_([0-9a-f]{" + 2 * ID_BYTES + "})_([A-Za-z0-9_-]{43})");
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private ApiKeyText() {}

  /** A key's parts. */
  public record Parsed(String id, String secret) {}

  /** A new key: its text, to show once, and what is kept of it. */
  public record Minted(String id, String text, String secretHash) {}

  /** True when {@code text} is meant as an API key (whether valid or not), rather than as a sign-in token. */
  public static boolean looksLikeKey(String text) {
    return text != null && text.startsWith(PREFIX);
  }

  /** The parts of a well-formed key; empty for anything else. */
  public static Optional<Parsed> parse(String text) {
    if (text == null || text.length() > 128) return Optional.empty();
    var m = SHAPE.matcher(text);
    return m.matches() ? Optional.of(new Parsed(m.group(1), m.group(2))) : Optional.empty();
  }

  /** A new random key. */
  public static Minted mint(SecureRandom random) {
    byte[] id = new byte[ID_BYTES];
    byte[] secret = new byte[SECRET_BYTES];
    random.nextBytes(id);
    random.nextBytes(secret);
    String idText = HexFormat.of().formatHex(id);
    String secretText = BASE64URL.encodeToString(secret);
    return new Minted(idText, PREFIX + idText + "_" + secretText, hash(secretText));
  }

  /** The SHA-256 of a secret, base64url: what is stored and compared. */
  public static String hash(String secret) {
    return BASE64URL.encodeToString(digest(secret));
  }

  /** True when {@code secret} hashes to {@code storedHash}, compared in constant time. */
  public static boolean matches(String secret, String storedHash) {
    byte[] stored;
    try {
      stored = Base64.getUrlDecoder().decode(storedHash);
    } catch (IllegalArgumentException | NullPointerException unreadable) {
      return false;
    }
    return MessageDigest.isEqual(stored, digest(secret));
  }

  private static byte[] digest(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
