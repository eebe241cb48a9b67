package io.pier.node.runtime;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * A block of IPv4 or IPv6 addresses, such as {@code 10.0.0.0/8} or {@code fc00::/7}. Parsed from literals only (never
 * a name lookup); a block whose address has bits set past its prefix is refused, as it is most likely a typo.
 */
public record Cidr(InetAddress network, int prefix) {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  public Cidr {
    // Without a scope (fe80::1%eth0) or a host name: a firewall rule names the bare address.
    network = bare(network);
    int bits = network.getAddress().length * 8;
    if (prefix < 0 || prefix > bits)
      throw new IllegalArgumentException("prefix /" + prefix + " out of 0.." + bits);
  }

  /** {@code address/prefix}, or a bare address for that one address (/32, /128). */
  public static Cidr parse(String text) {
    String trimmed = text.strip();
    int slash = trimmed.indexOf('/');
    String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
    InetAddress parsed = literal(address, text);
    int bits = parsed.getAddress().length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String length = trimmed.substring(slash + 1);
      if (!length.matches("\\d{1,3}") || Integer.parseInt(length) > bits) {
        throw new IllegalArgumentException(
            "'" + text + "' has no prefix length 0.." + bits + " after '/'");
      }
      prefix = Integer.parseInt(length);
    }
    Cidr cidr = new Cidr(parsed, prefix);
    if (!cidr.hostBits().equals(BigInteger.ZERO)) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' has bits set after its /"
              + prefix
              + " prefix; write "
              + cidr.masked()
              + " for the block or "
              + address
              + "/"
              + bits
              + " for the one address");
    }
    return cidr;
  }

  public boolean ipv6() {
    return network instanceof Inet6Address;
  }

  /** Whether every address of {@code other} is in this block. */
  public boolean contains(Cidr other) {
    if (other.ipv6() != ipv6() || other.prefix < prefix) return false;
    return new Cidr(other.network, prefix).masked().equals(this);
  }

  @Override
  public String toString() {
    return network.getHostAddress() + "/" + prefix;
  }

  private static InetAddress literal(String address, String text) {
    if (!IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not an IPv4 or IPv6 address (no host names here)");
    }
    try {
      InetAddress parsed = InetAddress.getByName(address);
      // Java reads ::ffff:a.b.c.d as the IPv4 address; say so rather than block something else than
      // was written.
      if (address.contains(":") && parsed instanceof Inet4Address) {
        throw new IllegalArgumentException(
            "'" + text + "' is an IPv4-mapped address; write it as IPv4");
      }
      return parsed;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address", e);
    }
  }

  private static InetAddress bare(InetAddress address) {
    try {
      return InetAddress.getByAddress(address.getAddress());
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private BigInteger hostBits() {
    int bits = network.getAddress().length * 8;
    BigInteger value = new BigInteger(1, network.getAddress());
    return value.and(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
  }

  private Cidr masked() {
    int bits = network.getAddress().length * 8;
    BigInteger value =
        new BigInteger(1, network.getAddress())
            .andNot(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
    byte[] raw = value.toByteArray();
    byte[] bytes = new byte[bits / 8];
    int copy = Math.min(raw.length, bytes.length);
    System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
    try {
      return new Cidr(InetAddress.getByAddress(bytes), prefix);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
