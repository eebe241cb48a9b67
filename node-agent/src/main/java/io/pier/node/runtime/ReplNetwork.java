package io.pier.node.runtime;

/**
 * The network a node's repls run on, and what they must not reach from it. A repl reaches the internet (package
 * registries) but neither the platform (this node's services, the cluster, storage), nor the private network the
 * fleet lives on, nor other repls.
 */
public interface ReplNetwork {

  /**
   * Creates the network if needed and makes the host refuse what repls must not reach. Idempotent; a changed
   * policy replaces the earlier one.
   *
   * @return the network's name, for {@link ContainerSpec}
   */
  String ensure(EgressPolicy policy);
}
