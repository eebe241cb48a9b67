package io.pier.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
