package io.pier.node.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pier.common.auth.SandboxAccessTokens;
import io.pier.common.auth.TokenSigner;
import io.pier.common.repl.Limits;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplRole;
import io.pier.common.repl.ReplState;
import io.pier.common.repl.Visibility;
import io.vertx.core.MultiMap;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PortAccessTest {
  private static final String SECRET = "a-test-secret-of-enough-length";
  private static final String SLUG = "blue-fox-1a2b3c";
  private static final Instant CREATED = Instant.ofEpochMilli(1_700_000_000_000L);

  private final TokenSigner tokens = new TokenSigner(SECRET, Clock.systemUTC());
  private final SandboxAccessTokens traffic = SandboxAccessTokens.forTraffic(SECRET);
  private final PortAccess access = new PortAccess(tokens, traffic);

  private static ReplRecord repl(Visibility visibility) {
    return new ReplRecord(
        SLUG,
        "base",
        "ann",
        ReplState.RUNNING,
        "node-1",
        CREATED,
        CREATED,
        new Limits(1, 512, 1024),
        visibility);
  }

  private static MultiMap headers(String... namesAndValues) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < namesAndValues.length; i += 2)
      headers.add(namesAndValues[i], namesAndValues[i + 1]);
    return headers;
  }

  private String bearer(String user, boolean admin) {
    return "Bearer " + tokens.issue(user, admin, Duration.ofMinutes(5));
  }

  @Test
  void aPublicReplsPortsAreOpenToAnyone() {
    assertEquals(PortAccess.Verdict.ALLOWED, access.check(repl(Visibility.PUBLIC), headers()));
  }

  @Test
  void aPrivateReplsPortsWantACredential() {
    assertEquals(
        PortAccess.Verdict.UNAUTHENTICATED, access.check(repl(Visibility.PRIVATE), headers()));
  }

  @Test
  void itsTrafficTokenOpensAPrivateReplsPorts() {
    String token = traffic.issue(SLUG, CREATED.toEpochMilli());
    assertEquals(
        PortAccess.Verdict.ALLOWED,
        access.check(repl(Visibility.PRIVATE), headers("E2B-Traffic-Access-Token", token)));
  }

  @Test
  void anAccountTheReplIsSharedWithReachesItsPortsAndOneItIsNoLongerSharedWithDoesNot() {
    ReplRecord shared =
        repl(Visibility.PRIVATE)
            .withCollaborators(Map.of("bob", ReplRole.VIEWER, "carol", ReplRole.EDITOR));
    for (String user : new String[] {"bob", "carol"}) {
      assertEquals(
          PortAccess.Verdict.ALLOWED,
          access.check(shared, headers("Authorization", bearer(user, false))),
          user);
    }
    ReplRecord unshared = shared.withCollaborators(Map.of("carol", ReplRole.EDITOR));
    assertEquals(
        PortAccess.Verdict.FORBIDDEN,
        access.check(unshared, headers("Authorization", bearer("bob", false))));
  }

  @Test
  void noOtherTokenOpensThem() {
    ReplRecord repl = repl(Visibility.PRIVATE);
    String otherRepls = traffic.issue("red-owl-4d5e6f", CREATED.toEpochMilli());
    String inSandboxApi = new SandboxAccessTokens(SECRET).issue(SLUG, CREATED.toEpochMilli());
    String oldRepl = traffic.issue(SLUG, CREATED.toEpochMilli() - 1);
    for (String token : new String[] {otherRepls, inSandboxApi, oldRepl, "", "x"}) {
      assertEquals(
          PortAccess.Verdict.FORBIDDEN,
          access.check(repl, headers(PortAccess.TRAFFIC_HEADER, token)),
          token);
    }
    assertEquals(
        PortAccess.Verdict.FORBIDDEN,
        access.check(repl, headers("Authorization", bearer("bob", false))));
    assertEquals(
        PortAccess.Verdict.FORBIDDEN,
        access.check(
            repl,
            headers(
                "Authorization",
                "Bearer " + tokens.issuePreview("ann", false, SLUG, Duration.ofMinutes(5)))),
        "a preview token opens the preview only");
  }

  @Test
  void theOwnersAnAdministratorsOrAServicesTokenOpensThem() {
    ReplRecord repl = repl(Visibility.PRIVATE);
    assertEquals(
        PortAccess.Verdict.ALLOWED,
        access.check(repl, headers("Authorization", bearer("ann", false))));
    assertEquals(
        PortAccess.Verdict.ALLOWED,
        access.check(repl, headers("Authorization", bearer("root", true))));
    assertEquals(
        PortAccess.Verdict.ALLOWED,
        access.check(repl, headers("Authorization", bearer("service:edge", true))));
  }

  @Test
  void piersCredentialsNeverReachTheApp() {
    MultiMap headers =
        headers(
            PortAccess.TRAFFIC_HEADER,
            "anything",
            "Authorization",
            bearer("ann", false),
            "X-A",
            "b");
    access.removeCredentials(headers);
    assertNull(headers.get(PortAccess.TRAFFIC_HEADER));
    assertNull(headers.get("Authorization"));
    assertEquals("b", headers.get("X-A"));
  }

  @Test
  void theAppsOwnAuthorizationIsLeftAlone() {
    MultiMap basic = headers("Authorization", "Basic dXNlcjo=");
    access.removeCredentials(basic);
    assertEquals("Basic dXNlcjo=", basic.get("Authorization"));
    MultiMap appToken = headers("Authorization", "Bearer the-apps-own-token");
    access.removeCredentials(appToken);
    assertFalse(appToken.isEmpty());
  }
}
