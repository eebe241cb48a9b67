package io.pier.node.runtime.iptables;

import io.pier.node.runtime.Cidr;
import io.pier.node.runtime.EgressAllow;
import io.pier.node.runtime.EgressPolicy;
import io.pier.node.runtime.ReplFirewall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ReplFirewall} on iptables and ip6tables alike:
 * <ul>
 *   <li>{@code INPUT -i <bridge>}: replies to connections the host opened are accepted, everything else rejected, so
 *   no service on any host address answers a repl, whatever it binds;</li>
 *   <li>a chain of the bridge's own, jumped to first from {@code DOCKER-USER} (IPv4; Docker keeps that chain ahead
 *   of its own rules) or {@code FORWARD} (IPv6, which Docker leaves alone): replies pass, then the allowed
 *   destinations return to Docker's usual forwarding, then the denied ones are rejected. Everything else returns.
 *   </li>
 * </ul>
 * A new policy is built in the bridge's other chain and swapped in by its jump, so no packet meets an empty chain.
 */
public final class IptablesReplFirewall implements ReplFirewall {
  private static final Logger LOG = LoggerFactory.getLogger(IptablesReplFirewall.class);
  private static final List<String> REPLIES =
      List.of("-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED");

  private final Iptables ipv4;
  private final Iptables ipv6;
  private final boolean hostHasIpv6;

  /** The host's iptables and ip6tables; IPv6 rules only where the kernel has IPv6. */
  public IptablesReplFirewall() {
    this(
        new Iptables("iptables"),
        new Iptables("ip6tables"),
        Files.exists(Path.of("/proc/net/if_inet6")));
  }

  IptablesReplFirewall(Iptables ipv4, Iptables ipv6, boolean hostHasIpv6) {
    this.ipv4 = ipv4;
    this.ipv6 = ipv6;
    this.hostHasIpv6 = hostHasIpv6;
  }

  @Override
  public void apply(String bridge, EgressPolicy policy) {
    apply(ipv4, false, bridge, policy);
    dropRulesOfEarlierVersions(bridge, policy);
    if (hostHasIpv6) {
      apply(ipv6, true, bridge, policy);
    } else {
      LOG.info("this kernel has no IPv6: no ip6tables rules for {}", bridge);
    }
  }

  @Override
  public void remove(String bridge) {
    for (Iptables table : hostHasIpv6 ? List.of(ipv4, ipv6) : List.of(ipv4)) {
      table.deleteAll("INPUT", replies(bridge, "ACCEPT"));
      table.deleteAll(
          "INPUT",
          List.of("-i", bridge, "-j", "REJECT", "--reject-with", rejectWith(table == ipv6)));
      for (String chain : chains(bridge)) {
        for (String hook : List.of("DOCKER-USER", "FORWARD")) {
          if (table.chainExists(hook)) table.deleteAll(hook, jump(bridge, chain));
        }
        table.deleteChain(chain);
      }
    }
  }

  private void apply(Iptables table, boolean v6, String bridge, EgressPolicy policy) {
    String reject = rejectWith(v6);
    table.ensure("INPUT", replies(bridge, "ACCEPT"), false);
    table.ensure("INPUT", List.of("-i", bridge, "-j", "REJECT", "--reject-with", reject), true);

    String hook = table.chainExists("DOCKER-USER") ? "DOCKER-USER" : "FORWARD";
    List<String> chains = chains(bridge);
    String next = table.has(hook, jump(bridge, chains.get(0))) ? chains.get(1) : chains.get(0);
    table.emptyChain(next);
    for (List<String> rule : rules(policy, v6, reject)) table.append(next, rule);
    table.insertFirst(hook, jump(bridge, next));
    for (String old : chains) {
      if (old.equals(next)) continue;
      table.deleteAll(hook, jump(bridge, old));
      table.deleteChain(old);
    }
  }

  /** The bridge's chain: replies, then allowed destinations, then denied ones. */
  static List<List<String>> rules(EgressPolicy policy, boolean v6, String reject) {
    List<List<String>> rules = new ArrayList<>();
    // A repl answering a connection opened to its published port (by an edge-proxy on a private
    // address) passes.
    rules.add(with(REPLIES, "-j", "RETURN"));
    for (EgressAllow allowed : policy.allowed(v6)) {
      // RETURN, not ACCEPT: allowed traffic still goes through Docker's own rules (no
      // inter-container traffic).
      if (allowed.anyPort()) {
        rules.add(List.of("-d", allowed.destination().toString(), "-j", "RETURN"));
        continue;
      }
      String ports =
          allowed.fromPort()
              + (allowed.toPort() == allowed.fromPort() ? "" : ":" + allowed.toPort());
      for (String protocol : List.of("tcp", "udp")) {
        rules.add(
            List.of(
                "-d",
                allowed.destination().toString(),
                "-p",
                protocol,
                "--dport",
                ports,
                "-j",
                "RETURN"));
      }
    }
    for (Cidr denied : policy.denied(v6)) {
      rules.add(List.of("-d", denied.toString(), "-j", "REJECT", "--reject-with", reject));
    }
    return rules;
  }

  /** Before the bridge had a chain, each blocked destination was one rule in DOCKER-USER; they would shadow allows. */
  private void dropRulesOfEarlierVersions(String bridge, EgressPolicy policy) {
    if (!ipv4.chainExists("DOCKER-USER")) return;
    List<Cidr> earlier = new ArrayList<>(EgressPolicy.DENIED_IPV4.keySet());
    earlier.addAll(policy.blocked());
    for (Cidr destination : earlier) {
      if (destination.ipv6()) continue;
      ipv4.deleteAll(
          "DOCKER-USER",
          List.of(
              "-i",
              bridge,
              "-d",
              destination.toString(),
              "-m",
              "conntrack",
              "--ctstate",
              "NEW",
              "-j",
              "REJECT"));
    }
  }

  private static String rejectWith(boolean v6) {
    return v6 ? "icmp6-port-unreachable" : "icmp-port-unreachable";
  }

  private static List<String> replies(String bridge, String target) {
    List<String> rule = new ArrayList<>(List.of("-i", bridge));
    rule.addAll(with(REPLIES, "-j", target));
    return rule;
  }

  private static List<String> jump(String bridge, String chain) {
    return List.of("-i", bridge, "-j", chain);
  }

  /** Two chains per bridge, used in turn, so that a new policy is complete before traffic meets it. */
  static List<String> chains(String bridge) {
    return List.of(bridge + "-egress-a", bridge + "-egress-b");
  }

  private static List<String> with(List<String> head, String... tail) {
    List<String> rule = new ArrayList<>(head);
    rule.addAll(List.of(tail));
    return rule;
  }
}
