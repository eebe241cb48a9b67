package io.pier.node.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The DNS servers repls' lookups go to: Docker's embedded resolver forwards them, from inside the container's
 * network, to the servers in the host's resolv.conf. On a cloud those sit in private space (a VPC's resolver at its
 * base address + 2, 169.254.169.253...), so the egress policy must let DNS to them through. Read as Docker reads them:
 * when {@code /etc/resolv.conf} lists only loopback servers (systemd-resolved's stub), from systemd-resolved's list.
 */
public final class HostResolvers {
  private final Path resolvConf;
  private final Path systemdResolvConf;

  public HostResolvers(Path resolvConf, Path systemdResolvConf) {
    this.resolvConf = resolvConf;
    this.systemdResolvConf = systemdResolvConf;
  }

  public static HostResolvers system() {
    return new HostResolvers(
        Path.of("/etc/resolv.conf"), Path.of("/run/systemd/resolve/resolv.conf"));
  }

  /** DNS (port 53, TCP and UDP) to each non-loopback server repls' lookups go to. */
  public List<EgressAllow> allowances() {
    List<Cidr> servers = nameservers(resolvConf);
    if (servers.isEmpty() && Files.isReadable(systemdResolvConf))
      servers = nameservers(systemdResolvConf);
    List<EgressAllow> allowed = new ArrayList<>();
    for (Cidr server : servers) allowed.add(new EgressAllow(server, 53, 53));
    return allowed;
  }

  /** The file's non-loopback nameservers (a container's loopback is its own). */
  private static List<Cidr> nameservers(Path file) {
    if (!Files.isReadable(file)) return List.of();
    List<Cidr> servers = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file)) {
        String[] words = line.strip().split("\\s+");
        if (words.length < 2 || !words[0].equals("nameserver")) continue;
        // A link-local IPv6 server carries its interface (fe80::1%eth0), which means nothing in a
        // container.
        String address =
            words[1].contains("%") ? words[1].substring(0, words[1].indexOf('%')) : words[1];
        try {
          Cidr server = Cidr.parse(address);
          if (!server.network().isLoopbackAddress()) servers.add(server);
        } catch (IllegalArgumentException notAnAddress) {
          // resolv.conf holds what its writer put there; a line the resolver ignores, we ignore too
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return servers;
  }
}
