package io.pier.node.runtime.docker;

import io.pier.node.sandbox.WorkspacePort;
import io.pier.node.workspace.Workspaces;
import java.nio.file.Path;

/** Workspaces of Docker sandboxes: the host folder itself, bind-mounted, owned by the user the containers run as. */
final class BindMountedWorkspaces implements WorkspacePort {
  /** {@link DockerContainerRuntime#RUNNER_USER}'s uid and gid. */
  static final int RUNNER_UID = 1000;

  @Override
  public void prepare(Path folder) {
    Workspaces.handOver(folder, RUNNER_UID, RUNNER_UID);
  }
}
