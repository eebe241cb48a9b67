package io.pier.node.sandbox;

import java.nio.file.Path;

/**
 * How a driver gives a sandbox its workspace at {@code /workspace}. The agent keeps every workspace as a folder on the
 * host (sessions, the watcher and write-behind read it there); a driver shares that folder with the sandbox its own
 * way: Docker bind-mounts it; a microVM would export it over virtiofs, or attach the workspace volume's block device
 * (then the folder is no longer shared live, see {@link Capabilities#sharedWorkspaceFolder}). Every call blocks.
 */
public interface WorkspacePort {

  /** Readies {@code folder}, a new or restored workspace, to be the sandbox's {@code /workspace}; before start. */
  void prepare(Path folder);
}
