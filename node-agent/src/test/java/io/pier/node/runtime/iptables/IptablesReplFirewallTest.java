package io.pier.node.runtime.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.node.runtime.Cidr;
import io.pier.node.runtime.EgressAllow;
import io.pier.node.runtime.EgressPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class IptablesReplFirewallTest {
  private final EgressPolicy policy =
      new EgressPolicy(
          List.of(Cidr.parse("203.0.113.7")),
          List.of(EgressAllow.parse("10.1.2.3/32:443"), EgressAllow.parse("10.9.0.0/16")));

  @Test
  void repliesPassFirstThenAllowancesThenTheDeniedAreRejected() {
    List<List<String>> rules = IptablesReplFirewall.rules(policy, false, "icmp-port-unreachable");
    assertEquals(
        List.of("-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "RETURN"),
        rules.get(0));
    assertEquals(
        List.of("-d", "10.1.2.3/32", "-p", "tcp", "--dport", "443", "-j", "RETURN"), rules.get(1));
    assertEquals(
        List.of("-d", "10.1.2.3/32", "-p", "udp", "--dport", "443", "-j", "RETURN"), rules.get(2));
    assertEquals(List.of("-d", "10.9.0.0/16", "-j", "RETURN"), rules.get(3));
    List<List<String>> rejects = rules.subList(4, rules.size());
    assertEquals(policy.denied(false).size(), rejects.size());
    assertTrue(
        rejects.contains(
            List.of("-d", "10.0.0.0/8", "-j", "REJECT", "--reject-with", "icmp-port-unreachable")));
    assertEquals(
        List.of("-d", "203.0.113.7/32", "-j", "REJECT", "--reject-with", "icmp-port-unreachable"),
        rejects.get(rejects.size() - 1));
  }

  @Test
  void ipv6RulesHoldOnlyIpv6Destinations() {
    List<List<String>> rules = IptablesReplFirewall.rules(policy, true, "icmp6-port-unreachable");
    assertEquals(1 + EgressPolicy.DENIED_IPV6.size(), rules.size());
    assertTrue(
        rules.contains(
            List.of(
                "-d",
                "fe80:0:0:0:0:0:0:0/10",
                "-j",
                "REJECT",
                "--reject-with",
                "icmp6-port-unreachable")));
  }

  @Test
  void chainNamesFitIptablesLimit() {
    for (String chain : IptablesReplFirewall.chains("pier0123456789"))
      assertTrue(chain.length() <= 28, chain);
  }
}
