package io.pier.node.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EgressPolicyTest {
  @Test
  void deniesPrivateAndSpecialSpaceOfBothFamilies() {
    EgressPolicy policy = new EgressPolicy(List.of(), List.of());
    List<String> ipv4 = policy.denied(false).stream().map(Cidr::toString).toList();
    assertTrue(
        ipv4.containsAll(
            List.of(
                "10.0.0.0/8",
                "172.16.0.0/12",
                "192.168.0.0/16",
                "100.64.0.0/10",
                "169.254.0.0/16",
                "0.0.0.0/8",
                "224.0.0.0/4",
                "240.0.0.0/4")),
        ipv4.toString());
    List<Cidr> ipv6 = policy.denied(true);
    assertTrue(
        ipv6.contains(Cidr.parse("fc00::/7")) && ipv6.contains(Cidr.parse("fe80::/10")),
        ipv6.toString());
  }

  @Test
  void blockedDestinationsAddToTheirFamilyUnlessARangeCoversThem() {
    EgressPolicy policy =
        new EgressPolicy(
            List.of(Cidr.parse("203.0.113.7"), Cidr.parse("10.0.0.5"), Cidr.parse("2001:db8::1")),
            List.of());
    assertEquals(EgressPolicy.DENIED_IPV4.size() + 1, policy.denied(false).size());
    assertEquals(
        Cidr.parse("203.0.113.7"), policy.denied(false).get(policy.denied(false).size() - 1));
    assertEquals(
        Cidr.parse("2001:db8::1"), policy.denied(true).get(policy.denied(true).size() - 1));
  }

  @Test
  void allowancesAreSplitByFamily() {
    EgressPolicy policy =
        new EgressPolicy(
            List.of(),
            List.of(EgressAllow.parse("10.1.2.3/32:443"), EgressAllow.parse("fd12::/64")));
    assertEquals(List.of(EgressAllow.parse("10.1.2.3/32:443")), policy.allowed(false));
    assertEquals(List.of(EgressAllow.parse("fd12::/64")), policy.allowed(true));
  }
}
