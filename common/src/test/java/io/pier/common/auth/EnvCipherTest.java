package io.pier.common.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class EnvCipherTest {
  private static final String SECRET = "a-secret-of-enough-length";
  private static final String NEXT = "the-next-secret-of-enough-length";
  private final EnvCipher cipher = new EnvCipher(SECRET);

  @Test
  void aSealedValueOpensInItsOwnContext() {
    JsonObject sealed = cipher.seal("abc/TOKEN", "s3cr3t value");
    assertEquals("s3cr3t value", cipher.open("abc/TOKEN", sealed));
  }

  @Test
  void theSealedFormHoldsNeitherTheValueNorTheSecret() {
    String sealed = cipher.seal("abc/TOKEN", "s3cr3t value").encode();
    assertFalse(sealed.contains("s3cr3t"));
    assertFalse(sealed.contains(SECRET));
  }

  @Test
  void sealingTheSameValueTwiceGivesDifferentCiphertexts() {
    assertNotEquals(
        cipher.seal("abc/TOKEN", "v").getString("sealed"),
        cipher.seal("abc/TOKEN", "v").getString("sealed"));
  }

  @Test
  void aValueCopiedToAnotherReplOrNameDoesNotOpen() {
    JsonObject sealed = cipher.seal("abc/TOKEN", "v");
    assertThrows(IllegalArgumentException.class, () -> cipher.open("xyz/TOKEN", sealed));
    assertThrows(IllegalArgumentException.class, () -> cipher.open("abc/OTHER", sealed));
  }

  @Test
  void anAlteredValueDoesNotOpen() {
    JsonObject sealed = cipher.seal("abc/TOKEN", "value");
    byte[] bytes = Base64.getDecoder().decode(sealed.getString("sealed"));
    bytes[0] ^= 1;
    sealed.put("sealed", Base64.getEncoder().encodeToString(bytes));
    assertThrows(IllegalArgumentException.class, () -> cipher.open("abc/TOKEN", sealed));
  }

  @Test
  void afterRotationOldValuesStillOpenAndNewOnesUseTheFirstSecret() {
    JsonObject old = cipher.seal("abc/TOKEN", "old");
    EnvCipher rotated = new EnvCipher(NEXT + "," + SECRET);
    assertEquals("old", rotated.open("abc/TOKEN", old));
    JsonObject fresh = rotated.seal("abc/TOKEN", "new");
    assertNotEquals(old.getString("kid"), fresh.getString("kid"));
    assertFalse(cipher.opens(fresh));
    assertTrue(rotated.opens(fresh));
    assertThrows(IllegalArgumentException.class, () -> cipher.open("abc/TOKEN", fresh));
  }

  @Test
  void aShortSecretIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new EnvCipher("short"));
  }
}
