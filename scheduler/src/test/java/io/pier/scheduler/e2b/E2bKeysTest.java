package io.pier.scheduler.e2b;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.auth.ApiKeyText;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class E2bKeysTest {
  @Test
  void aPierKeyAndItsE2bFormAreTheSameKey() {
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 50; i++) {
      String pier = ApiKeyText.mint(random).text();
      String e2b = E2bKeys.fromPier(pier).orElseThrow();
      assertTrue(e2b.matches("e2b_[0-9a-f]{80}"), e2b);
      assertEquals(pier, E2bKeys.toPier(e2b));
    }
  }

  @Test
  void anythingElseIsLeftAsItIs() {
    assertEquals("e2b_" + "0".repeat(40), E2bKeys.toPier("e2b_" + "0".repeat(40)));
    assertEquals("v2.abc.def", E2bKeys.toPier("v2.abc.def"));
    assertEquals(null, E2bKeys.toPier(null));
    assertTrue(E2bKeys.fromPier("pier_nothing").isEmpty());
  }
}
