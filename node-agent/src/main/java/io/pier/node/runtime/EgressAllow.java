package io.pier.node.runtime;

/**
 * A destination off the node that repls may open connections to although it lies in denied address space: a package
 * mirror on the private network, say. {@code fromPort} 0 means every port and protocol; otherwise TCP and UDP to the
 * ports {@code fromPort..toPort}.
 */
public record EgressAllow(Cidr destination, int fromPort, int toPort) {
  /** The form of one entry, for messages. */
  public static final String FORM =
      "CIDR[:port[-port]] such as 10.1.2.3/32:443, 10.1.2.0/24:8000-8100 or fd12::/64";

  public EgressAllow {
    if (fromPort < 0 || toPort > 65535 || fromPort > toPort || (fromPort == 0 && toPort != 0)) {
      throw new IllegalArgumentException(
          "ports " + fromPort + "-" + toPort + " are not a range within 1..65535");
    }
  }

  /** All ports of {@code destination}. */
  public static EgressAllow any(Cidr destination) {
    return new EgressAllow(destination, 0, 0);
  }

  /**
   * Parses {@link #FORM}. The prefix length is required, so that an IPv6 address is never read with its last group
   * as a port.
   */
  public static EgressAllow parse(String text) {
    String trimmed = text.strip();
    int slash = trimmed.indexOf('/');
    if (slash < 0)
      throw new IllegalArgumentException("'" + text + "' has no /prefix; write it as " + FORM);
    int colon = trimmed.indexOf(':', slash);
    Cidr destination = Cidr.parse(colon < 0 ? trimmed : trimmed.substring(0, colon));
    if (colon < 0) return any(destination);
    String ports = trimmed.substring(colon + 1);
    int dash = ports.indexOf('-');
    int from = port(dash < 0 ? ports : ports.substring(0, dash), text);
    int to = dash < 0 ? from : port(ports.substring(dash + 1), text);
    if (from > to)
      throw new IllegalArgumentException(
          "'" + text + "' has a port range that ends before it starts");
    return new EgressAllow(destination, from, to);
  }

  public boolean anyPort() {
    return fromPort == 0;
  }

  @Override
  public String toString() {
    if (anyPort()) return destination.toString();
    return destination + ":" + fromPort + (toPort == fromPort ? "" : "-" + toPort);
  }

  private static int port(String text, String entry) {
    if (!text.matches("\\d{1,5}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 65535) {
      throw new IllegalArgumentException(
          "'" + entry + "' has a port that is not 1..65535: '" + text + "'");
    }
    return Integer.parseInt(text);
  }
}
