package io.pier.common.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SandboxAccessTokensTest {
  private static final String OLD = "an-old-secret-of-enough-length";
  private static final String NEW = "a-new-secret-of-enough-length";

  @Test
  void aTokenOpensOnlyItsOwnRepl() {
    SandboxAccessTokens tokens = new SandboxAccessTokens(NEW);
    String token = tokens.issue("blue-fox-1a2b3c", 1000);
    assertTrue(tokens.verify("blue-fox-1a2b3c", 1000, token));
    assertFalse(tokens.verify("red-owl-4d5e6f", 1000, token));
    assertFalse(tokens.verify("blue-fox-1a2b3c", 1001, token), "a repl made again under the slug");
    assertFalse(tokens.verify("blue-fox-1a2b3c", 1000, token + "x"));
    assertFalse(tokens.verify("blue-fox-1a2b3c", 1000, ""));
    assertFalse(tokens.verify("blue-fox-1a2b3c", 1000, null));
  }

  @Test
  void tokensOfASecretBeingRotatedOutStillWorkUntilItIsDropped() {
    String issued = new SandboxAccessTokens(OLD).issue("blue-fox-1a2b3c", 1000);
    SandboxAccessTokens rotating = new SandboxAccessTokens(NEW + "," + OLD);
    assertTrue(rotating.verify("blue-fox-1a2b3c", 1000, issued));
    assertNotEquals(issued, rotating.issue("blue-fox-1a2b3c", 1000), "the first secret issues");
    assertFalse(new SandboxAccessTokens(NEW).verify("blue-fox-1a2b3c", 1000, issued));
  }

  @Test
  void aTrafficTokenOpensNoInSandboxApiAndTheAccessTokenNoPorts() {
    SandboxAccessTokens access = new SandboxAccessTokens(NEW);
    SandboxAccessTokens traffic = SandboxAccessTokens.forTraffic(NEW);
    String ports = traffic.issue("blue-fox-1a2b3c", 1000);
    assertTrue(traffic.verify("blue-fox-1a2b3c", 1000, ports));
    assertFalse(access.verify("blue-fox-1a2b3c", 1000, ports));
    assertFalse(traffic.verify("blue-fox-1a2b3c", 1000, access.issue("blue-fox-1a2b3c", 1000)));
  }

  @Test
  void theTokenIsTheSameOnEveryServiceThatHoldsTheSecret() {
    assertEquals(
        new SandboxAccessTokens(NEW).issue("blue-fox-1a2b3c", 7),
        new SandboxAccessTokens(NEW).issue("blue-fox-1a2b3c", 7));
  }
}
