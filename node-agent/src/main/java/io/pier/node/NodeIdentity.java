package io.pier.node;

import io.pier.common.repl.Route;
import io.pier.node.sandbox.Endpoint;
import java.util.Optional;

/**
 * Who this node-agent is in the cluster.
 *
 * @param advertiseHost the address other parts reach this node on
 * @param agentUrl      the base URL of this node-agent's HTTP API
 * @param memberId      this node-agent's cluster member, put in its routes; null without a cluster (tests)
 */
public record NodeIdentity(String nodeId, String advertiseHost, String agentUrl, String memberId) {

  /**
   * The route of a repl running here: its app at the endpoint its driver gave, IDE sessions through this agent. A
   * repl without an app (a console program) has the node's address and port 0, which the edge serves no preview for.
   */
  public Route route(String slug, Optional<Endpoint> endpoint) {
    return endpoint
        .map(e -> new Route(slug, nodeId, e.host(), e.port(), agentUrl, memberId))
        .orElseGet(() -> new Route(slug, nodeId, advertiseHost, 0, agentUrl, memberId));
  }
}
