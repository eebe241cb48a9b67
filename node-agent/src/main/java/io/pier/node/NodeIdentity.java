package io.pier.node;

/**
 * Who this node-agent is in the cluster.
 *
 * @param advertiseHost the address other parts reach this node's published ports on
 * @param agentUrl      the base URL of this node-agent's HTTP API
 * @param replNetwork   the isolated network repls join, or null for the runtime's default
 */
public record NodeIdentity(String nodeId, String advertiseHost, String agentUrl, String replNetwork) {
}
