package io.pier.node.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where repls may open connections off their node: anywhere on the internet, except private and special address
 * space (where the fleet's own machines, other VMs' repls and cloud metadata live) and the {@code blocked}
 * destinations (cluster members and storage, wherever they are), unless an {@code allowed} entry names the
 * destination. Replies to connections opened to a repl pass whatever the destination. The node's own addresses are
 * out of reach whatever this says (see {@link ReplFirewall}).
 *
 * @param blocked destinations repls must not reach besides the denied ranges; those inside one are dropped
 * @param allowed destinations repls may reach even so; they win over {@code blocked} and the denied ranges
 */
public record EgressPolicy(List<Cidr> blocked, List<EgressAllow> allowed) {
  /** The IPv4 space denied to repls, each with why. */
  public static final Map<Cidr, String> DENIED_IPV4 =
      ranges(
          "10.0.0.0/8",
              "private (RFC 1918): the fleet's VMs, their services and published repl ports",
          "172.16.0.0/12", "private (RFC 1918)",
          "192.168.0.0/16", "private (RFC 1918)",
          "100.64.0.0/10",
              "shared address space (RFC 6598): carrier-grade NAT, overlay VPNs between VMs",
          "169.254.0.0/16",
              "link-local: cloud metadata services (169.254.169.254) hand out the VM's credentials",
          "0.0.0.0/8",
              "'this network': no host on the internet; some stacks take 0.0.0.0 as the local host",
          "224.0.0.0/4", "multicast: service discovery (mDNS, SSDP) of every host on a segment",
          "240.0.0.0/4",
              "reserved and broadcast: never on the internet, used privately by some networks");

  /** The IPv6 space denied to repls (which have no IPv6 at all; this is depth). */
  public static final Map<Cidr, String> DENIED_IPV6 =
      ranges(
          "fc00::/7", "unique local: IPv6's private addresses",
          "fe80::/10", "link-local: the host and its neighbours on every link",
          "fec0::/10", "site-local (deprecated, still used by old networks)",
          "ff00::/8", "multicast");

  public EgressPolicy {
    blocked = List.copyOf(blocked);
    allowed = List.copyOf(allowed);
  }

  /** The denied ranges of one family, then the blocked destinations of it that they do not already cover. */
  public List<Cidr> denied(boolean ipv6) {
    Map<Cidr, String> ranges = ipv6 ? DENIED_IPV6 : DENIED_IPV4;
    List<Cidr> denied = new ArrayList<>(ranges.keySet());
    for (Cidr destination : blocked) {
      if (destination.ipv6() == ipv6
          && denied.stream().noneMatch(range -> range.contains(destination))) {
        denied.add(destination);
      }
    }
    return denied;
  }

  public List<EgressAllow> allowed(boolean ipv6) {
    return allowed.stream().filter(a -> a.destination().ipv6() == ipv6).toList();
  }

  private static Map<Cidr, String> ranges(String... rangeThenWhy) {
    Map<Cidr, String> ranges = new LinkedHashMap<>();
    for (int i = 0; i < rangeThenWhy.length; i += 2)
      ranges.put(Cidr.parse(rangeThenWhy[i]), rangeThenWhy[i + 1]);
    return Collections.unmodifiableMap(ranges);
  }
}
