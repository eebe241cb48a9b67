package io.pier.node.ports;

import java.util.Optional;

/**
 * The sandbox a repl runs in on this node.
 *
 * @param id           its id with the driver
 * @param startAddress the address its start read, when it did (a repl adopted after an agent's restart has none)
 */
public record RunningSandbox(String id, Optional<String> startAddress) {}
