package io.pier.node.runtime;

import java.util.List;

/**
 * The network a node's repls run on, and what they must not reach from it. A repl reaches the internet (package
 * registries) but neither the platform (this node's services, the cluster, storage) nor other repls.
 */
public interface ReplNetwork {

  /**
   * Creates the network if needed and makes the host refuse what repls must not reach. Idempotent.
   *
   * @param blocked destinations (CIDRs) off the node that repls must not reach: cluster members, the S3 endpoint
   * @return the network's name, for {@link ContainerSpec}
   */
  String ensure(List<String> blocked);
}
