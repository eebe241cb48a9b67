package io.pier.node.pool;

import io.pier.common.repl.Limits;

/**
 * What a sandbox is created with, and so what a spare must match to become a repl's: the runner image, the port its app
 * listens on inside (the sandbox's {@code PORT}), its limits and the engine's runtime it runs in. Everything a user
 * owns (files, run command, first file) comes after the claim.
 *
 * @param runtime the engine's runtime the sandbox runs in, resolved on this node; null for the engine's default
 */
public record PoolKey(String image, int port, Limits limits, String runtime) {}
