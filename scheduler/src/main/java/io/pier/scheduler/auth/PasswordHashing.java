package io.pier.scheduler.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/** Passwords as accounts keep them: PBKDF2-HMAC-SHA256 with a random salt each; never the password itself. */
final class PasswordHashing {
  static final int ITERATIONS = 210_000;
  private static final int MIN_LENGTH = 8;
  private static final int MAX_LENGTH = 1024;

  /** A stored password: its salt and hash (Base64) and the iteration count they were made with. */
  record Hashed(String salt, String hash, int iterations) {}

  private final SecureRandom random = new SecureRandom();

  /** What is wrong with a new password, or null. */
  static String problem(String password) {
    if (password == null || password.length() < MIN_LENGTH || password.length() > MAX_LENGTH)
      return "a password has at least "
          + MIN_LENGTH
          + " characters (and at most "
          + MAX_LENGTH
          + ")";
    return null;
  }

  /** A new salt and the password's hash with it (slow on purpose: call it off the event loop). */
  Hashed hash(String password) {
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    return new Hashed(
        Base64.getEncoder().encodeToString(salt),
        Base64.getEncoder().encodeToString(pbkdf2(password, salt, ITERATIONS)),
        ITERATIONS);
  }

  /**
   * True when the password is the account's; with a null account the hash is still computed, so the time taken does
   * not tell which names exist.
   */
  boolean matches(Account account, String password) {
    String salt = account != null ? account.salt() : "AAAAAAAAAAAAAAAAAAAAAA==";
    int iterations = account != null ? account.iterations() : ITERATIONS;
    byte[] actual = pbkdf2(password, Base64.getDecoder().decode(salt), iterations);
    return account != null
        && MessageDigest.isEqual(Base64.getDecoder().decode(account.hash()), actual);
  }

  static byte[] pbkdf2(String password, byte[] salt, int iterations) {
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
          .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256))
          .getEncoded();
    } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
      throw new IllegalStateException(e);
    }
  }
}
