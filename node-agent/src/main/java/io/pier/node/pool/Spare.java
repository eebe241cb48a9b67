package io.pier.node.pool;

import io.pier.node.sandbox.StartedSandbox;
import java.nio.file.Path;

/**
 * A started, hardened, idle sandbox with a fresh empty workspace of its own, made before anyone asked for it: no
 * user's yet. A spare goes to one repl at most ({@link WarmPool#claim}) and is never given back.
 *
 * @param id        its name among this node's spares
 * @param workspace the folder the sandbox has as {@code /workspace}, until the repl that claims it adopts it
 */
public record Spare(String id, PoolKey key, StartedSandbox sandbox, Path workspace) {}
