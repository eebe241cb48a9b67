package io.pier.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class HostTargetTest {
  private static final String DOMAIN = "pier.localhost";

  private static HostTarget of(String host) {
    return HostTarget.of(host, DOMAIN);
  }

  @Test
  void theDomainItselfIsTheApex() {
    assertEquals(new HostTarget.Apex(), of("pier.localhost"));
  }

  @Test
  void aSlugUnderTheDomainIsItsPreview() {
    assertEquals(
        new HostTarget.Preview("brave-otter-3f9a2c"), of("brave-otter-3f9a2c.pier.localhost"));
    assertEquals(new HostTarget.Preview("a"), of("a.pier.localhost"));
  }

  @Test
  void caseIsIgnored() {
    assertEquals(new HostTarget.Apex(), of("PIER.Localhost"));
    assertEquals(
        new HostTarget.Preview("brave-otter-3f9a2c"), of("Brave-Otter-3F9A2C.PIER.LOCALHOST"));
    assertEquals(
        new HostTarget.Preview("brave-otter-3f9a2c"),
        HostTarget.of("brave-otter-3f9a2c.pier.localhost", "PIER.LOCALHOST"));
  }

  @Test
  void aTrailingDotIsIgnored() {
    assertEquals(new HostTarget.Apex(), of("pier.localhost."));
    assertEquals(
        new HostTarget.Preview("calm-lynx-000001"), of("calm-lynx-000001.pier.localhost."));
  }

  @Test
  void aNestedLabelIsUnknown() {
    assertEquals(new HostTarget.Unknown("a.b.pier.localhost"), of("a.b.pier.localhost"));
    assertEquals(
        new HostTarget.Unknown("www.brave-otter-3f9a2c.pier.localhost"),
        of("WWW.brave-otter-3f9a2c.pier.localhost"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-bad.pier.localhost",
        "bad-.pier.localhost",
        "a_b.pier.localhost",
        ".pier.localhost"
      })
  void anInvalidLabelIsUnknown(String host) {
    assertEquals(new HostTarget.Unknown(host), of(host));
  }

  @Test
  void aLabelLongerThan63IsUnknown() {
    String host = "a".repeat(64) + ".pier.localhost";
    assertEquals(new HostTarget.Unknown(host), of(host));
    assertEquals(new HostTarget.Preview("a".repeat(63)), of("a".repeat(63) + ".pier.localhost"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "example.com",
        "127.0.0.1",
        "localhost",
        "evilpier.localhost",
        "pier.localhost.evil.com",
        "[::1]",
        "otter.pier.localhost.com",
        "10.0.0.5"
      })
  void otherHostsAreTheApex(String host) {
    assertEquals(new HostTarget.Apex(), of(host));
  }

  @ParameterizedTest
  @NullAndEmptySource
  void noHostIsTheApex(String host) {
    assertEquals(new HostTarget.Apex(), of(host));
  }

  @Test
  void worksForAnyDomain() {
    assertEquals(
        new HostTarget.Preview("s1"), HostTarget.of("s1.apps.example.com", "apps.example.com"));
    assertEquals(new HostTarget.Apex(), HostTarget.of("apps.example.com", "apps.example.com"));
    assertEquals(new HostTarget.Apex(), HostTarget.of("s1.pier.localhost", "apps.example.com"));
  }

  @Test
  void aPortBeforeASlugIsThatPortOfItsSandbox() {
    assertEquals(
        new HostTarget.SandboxPort("blue-fox-1a2b3c", 49983),
        of("49983-blue-fox-1a2b3c.pier.localhost"));
    assertTrue(((HostTarget.SandboxPort) of("49983-blue-fox-1a2b3c.pier.localhost")).envd());
    assertEquals(
        new HostTarget.SandboxPort("blue-fox-1a2b3c", 8000),
        of("8000-Blue-Fox-1A2B3C.pier.localhost."));
    assertEquals(new HostTarget.SandboxPort("a", 1), of("1-a.pier.localhost"));
    assertEquals(new HostTarget.SandboxPort("a", 65535), of("65535-a.pier.localhost"));
  }

  @Test
  void theControlPlaneAndTheSandboxHostHaveTheirOwnNames() {
    assertEquals(new HostTarget.Api(), of("api.pier.localhost"));
    assertEquals(new HostTarget.Api(), of("API.pier.localhost."));
    assertEquals(new HostTarget.SandboxByHeaders(), of("sandbox.pier.localhost"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "99999-x.pier.localhost",
        "65536-x.pier.localhost",
        "0-x.pier.localhost",
        "08000-x.pier.localhost",
        "-1-slug.pier.localhost",
        "8000-.pier.localhost",
        "8000--x.pier.localhost",
        "8000-1x.pier.localhost",
        "8000-8000-x.pier.localhost",
        "8000-api.pier.localhost",
        "8000-sandbox.pier.localhost",
        "8000-a_b.pier.localhost",
        "8000-x.y.pier.localhost",
        "api.x.pier.localhost"
      })
  void aPortHostWhoseSlugIsNoSlugOrWhosePortIsNoPortIsUnknown(String host) {
    assertEquals(new HostTarget.Unknown(host), of(host));
  }

  @Test
  void aSandboxAndPortFromE2bsHeadersAreCheckedAsAHostsAre() {
    assertEquals(
        new HostTarget.SandboxPort("blue-fox-1a2b3c", 49983),
        HostTarget.sandboxPort("blue-fox-1a2b3c", "49983"));
    assertNull(HostTarget.sandboxPort(null, "49983"));
    assertNull(HostTarget.sandboxPort("blue-fox-1a2b3c", null));
    assertNull(HostTarget.sandboxPort("blue-fox-1a2b3c", "0"));
    assertNull(HostTarget.sandboxPort("blue-fox-1a2b3c", "65536"));
    assertNull(HostTarget.sandboxPort("blue-fox-1a2b3c", " 80"));
    assertNull(HostTarget.sandboxPort("../red-owl", "80"));
    assertNull(HostTarget.sandboxPort("Blue-Fox-1a2b3c", "80"));
    assertNull(HostTarget.sandboxPort("9lives", "80"));
  }

  @Test
  void aSandboxPortIsAskedOfTheNodeAgentAtItsPath() {
    assertEquals(
        "/envd/blue-fox-1a2b3c/process.Process/Start",
        SandboxProxy.agentUri(
            new HostTarget.SandboxPort("blue-fox-1a2b3c", 49983), "/process.Process/Start"));
    assertEquals(
        "/ports/blue-fox-1a2b3c/8000/a/b?c=d",
        SandboxProxy.agentUri(new HostTarget.SandboxPort("blue-fox-1a2b3c", 8000), "/a/b?c=d"));
  }
}
