package io.pier.node;

import io.pier.common.repl.Limits;
import io.pier.common.repl.Route;
import io.pier.node.session.LiveRepl;
import io.pier.node.session.WorkspaceWatcher;
import io.pier.node.workspace.WriteBehind;
import java.util.Optional;

/**
 * A repl this node runs: its sandbox, its route, and what lives around it (sessions, write-behind, the watcher).
 *
 * @param sandboxAddress its sandbox's own address, where its app answers before its route does; known at its start
 * @param appPort the port its app listens on inside the sandbox, 0 for none
 */
record RunningRepl(
    String slug,
    String sandboxId,
    Optional<String> sandboxAddress,
    Route route,
    int appPort,
    Limits limits,
    LiveRepl live,
    WriteBehind writeBehind,
    WorkspaceWatcher watcher) {}
