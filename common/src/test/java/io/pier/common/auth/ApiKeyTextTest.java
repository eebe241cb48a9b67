package io.pier.common.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ApiKeyTextTest {
  private final SecureRandom random = new SecureRandom();

  @Test
  void aMintedKeyParsesBackToItsIdAndASecretOf32RandomBytes() {
    ApiKeyText.Minted key = ApiKeyText.mint(random);
    assertTrue(key.text().startsWith("pier_" + key.id() + "_"), key.text());
    ApiKeyText.Parsed parsed = ApiKeyText.parse(key.text()).orElseThrow();
    assertEquals(key.id(), parsed.id());
    assertEquals(32, Base64.getUrlDecoder().decode(parsed.secret()).length);
    assertTrue(ApiKeyText.looksLikeKey(key.text()));
  }

  @Test
  void onlyTheHashOfTheSecretIsKeptAndItMatchesOnlyThatSecret() {
    ApiKeyText.Minted key = ApiKeyText.mint(random);
    String secret = ApiKeyText.parse(key.text()).orElseThrow().secret();
    assertFalse(key.secretHash().contains(secret));
    assertEquals(ApiKeyText.hash(secret), key.secretHash());
    assertTrue(ApiKeyText.matches(secret, key.secretHash()));
    String other = ApiKeyText.parse(ApiKeyText.mint(random).text()).orElseThrow().secret();
    assertFalse(ApiKeyText.matches(other, key.secretHash()));
    assertFalse(ApiKeyText.matches(secret, "not base64url!"));
    assertFalse(ApiKeyText.matches(secret, null));
  }

  @Test
  void twoKeysNeverShareAnIdOrASecret() {
    ApiKeyText.Minted a = ApiKeyText.mint(random);
    ApiKeyText.Minted b = ApiKeyText.mint(random);
    assertNotEquals(a.id(), b.id());
    assertNotEquals(a.secretHash(), b.secretHash());
  }

  @Test
  void malformedKeysDoNotParse() {
    String good = ApiKeyText.mint(random).text();
    assertTrue(ApiKeyText.parse(null).isEmpty());
    assertTrue(ApiKeyText.parse("").isEmpty());
    assertTrue(ApiKeyText.parse("pier_").isEmpty());
    assertTrue(ApiKeyText.parse(good + "x").isEmpty(), "a longer secret");
    assertTrue(ApiKeyText.parse(good.substring(0, good.length() - 1)).isEmpty(), "a shorter one");
    assertTrue(ApiKeyText.parse(good.toUpperCase()).isEmpty());
    assertTrue(ApiKeyText.parse(good.replace("pier_", "PIER_")).isEmpty());
    assertTrue(ApiKeyText.parse(good + "\n").isEmpty());
    assertTrue(ApiKeyText.parse("pier_0123456789abcdef_" + "a".repeat(42) + "=").isEmpty());
    assertTrue(ApiKeyText.parse("pier_" + "a".repeat(500)).isEmpty());
    assertFalse(ApiKeyText.looksLikeKey("v2.kid.payload.sig"), "a sign-in token is no key");
  }
}
