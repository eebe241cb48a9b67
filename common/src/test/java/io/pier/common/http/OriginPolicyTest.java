package io.pier.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {
  private static final HostAndPort APEX = HostAndPort.authority("pier.localhost", 8080);
  private final OriginPolicy policy = new OriginPolicy(null, List.of());

  @Test
  void aPageOfTheApexItselfIsAllowed() {
    assertTrue(policy.allows("http://pier.localhost:8080", "http", APEX));
    assertTrue(policy.allows("HTTP://Pier.Localhost:8080", "http", APEX), "case is ignored");
  }

  @Test
  void aRequestWithoutAnOriginIsNotABrowserPagesAndPasses() {
    assertTrue(policy.allows(null, "http", APEX));
  }

  @Test
  void aPreviewsPageIsRefusedThoughItIsTheSameSite() {
    assertFalse(policy.allows("http://brave-otter-3f9a2c.pier.localhost:8080", "http", APEX));
  }

  @Test
  void anotherSchemeOrPortIsAnotherOrigin() {
    assertFalse(policy.allows("https://pier.localhost:8080", "http", APEX));
    assertFalse(policy.allows("http://pier.localhost:8081", "http", APEX));
    assertFalse(policy.allows("http://pier.localhost", "http", APEX));
  }

  @Test
  void defaultPortsMatchWhetherWrittenOrNot() {
    assertTrue(
        policy.allows(
            "https://pier.example.com", "https", HostAndPort.authority("pier.example.com", -1)));
    assertTrue(
        policy.allows(
            "https://pier.example.com:443",
            "https",
            HostAndPort.authority("pier.example.com", -1)));
    assertTrue(
        policy.allows(
            "http://pier.example.com", "http", HostAndPort.authority("pier.example.com", 80)));
  }

  @Test
  void opaqueAndMalformedOriginsAreRefused() {
    assertFalse(
        policy.allows("null", "http", APEX),
        "sandboxed frames and some redirects send Origin: null");
    assertFalse(policy.allows("", "http", APEX));
    assertFalse(policy.allows("file://", "http", APEX));
    assertFalse(policy.allows("http://user@pier.localhost:8080", "http", APEX));
    assertFalse(policy.allows("http://pier.localhost:8080/path", "http", APEX));
  }

  @Test
  void withoutAHostOnlyConfiguredOriginsPass() {
    assertFalse(policy.allows("http://pier.localhost:8080", "http", null));
  }

  @Test
  void thePublicUrlsOriginPassesBehindATlsTerminator() {
    OriginPolicy behindTls = new OriginPolicy(URI.create("https://pier.example.com/"), List.of());
    assertTrue(
        behindTls.allows(
            "https://pier.example.com", "http", HostAndPort.authority("pier.example.com", -1)));
    assertFalse(
        behindTls.allows(
            "https://app.pier.example.com", "http", HostAndPort.authority("pier.example.com", -1)));
  }

  @Test
  void configuredExtraOriginsPassAndMustBeOrigins() {
    OriginPolicy extra = new OriginPolicy(null, List.of("https://ide.example.com"));
    assertTrue(extra.allows("https://ide.example.com:443", "http", APEX));
    assertThrows(
        IllegalArgumentException.class, () -> new OriginPolicy(null, List.of("ide.example.com")));
    assertThrows(
        IllegalArgumentException.class,
        () -> new OriginPolicy(null, List.of("https://x.example/path")));
  }

  @Test
  void ipv6HostsCompareWithTheirBrackets() {
    assertTrue(policy.allows("http://[::1]:8080", "http", HostAndPort.create("::1", 8080)));
    assertTrue(policy.allows("http://[::1]:8080", "http", HostAndPort.authority("[::1]", 8080)));
  }

  @Test
  void onlyMethodsThatMayChangeStateAreGuarded() {
    assertFalse(OriginPolicy.changesState(HttpMethod.GET));
    assertFalse(OriginPolicy.changesState(HttpMethod.HEAD));
    assertFalse(OriginPolicy.changesState(HttpMethod.OPTIONS));
    assertTrue(OriginPolicy.changesState(HttpMethod.POST));
    assertTrue(OriginPolicy.changesState(HttpMethod.PATCH));
    assertTrue(OriginPolicy.changesState(HttpMethod.DELETE));
    assertTrue(OriginPolicy.changesState(HttpMethod.PUT));
  }

  @Test
  void originsNormaliseToSchemeHostAndPort() {
    assertEquals(
        "https://pier.example.com:443", OriginPolicy.normalise("https://PIER.example.com."));
    assertNull(OriginPolicy.normalise("ftp://pier.example.com"));
  }
}
