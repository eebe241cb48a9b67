package io.pier.node;

import io.pier.node.sandbox.SandboxDriver;
import io.pier.node.sandbox.SandboxHandleStore;
import io.pier.node.session.WaitingRuns;
import io.pier.node.session.WatchTicker;
import io.pier.node.workspace.Workspaces;

/**
 * The parts of this node that a repl's start, stop and adoption all go through: where the work runs, who the node
 * is, its sandbox driver and the handles it keeps, storage, the workspaces and the thread that watches them, and
 * the shells that wait in sandboxes for their first run.
 */
record NodeParts(
    HostContext host,
    NodeIdentity me,
    SandboxDriver driver,
    SandboxHandleStore handles,
    Persistence persistence,
    Workspaces workspaces,
    WatchTicker watchers,
    WaitingRuns waitingRuns) {}
