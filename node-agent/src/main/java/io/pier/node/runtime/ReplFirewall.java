package io.pier.node.runtime;

/**
 * The host's firewall for one repl network's bridge: repls reach neither the host itself (any of its addresses, any
 * port, IPv4 or IPv6) nor what the {@link EgressPolicy} denies; replies to connections opened to a repl pass.
 */
public interface ReplFirewall {

  /** Installs the rules for {@code bridge}, replacing those of an earlier policy without a moment unguarded. */
  void apply(String bridge, EgressPolicy policy);

  /** Removes every rule naming {@code bridge}. */
  void remove(String bridge);
}
