package io.pier.node.sandbox;

/** Where the edge reaches a sandbox's app: an address and a port the driver chose (a published host port, say). */
public record Endpoint(String host, int port) {
  public Endpoint {
    if (host == null || host.isBlank())
      throw new IllegalArgumentException("an endpoint needs a host");
    if (port < 1 || port > 65535) throw new IllegalArgumentException("not a port: " + port);
  }
}
