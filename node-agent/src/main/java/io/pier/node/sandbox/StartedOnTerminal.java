package io.pier.node.sandbox;

import io.pier.node.runtime.TtyProcess;

/** A sandbox {@link SandboxDriver#startOnTerminal} started, and the terminal of its first process. */
public record StartedOnTerminal(StartedSandbox sandbox, TtyProcess terminal) {}
