package io.pier.node.workspace;

import io.pier.node.workspace.WorkspaceAccessException.Reason;
import io.pier.node.workspace.linux.SyscallException;
import io.pier.node.workspace.linux.Syscalls;

/** What a refusal of the kernel on a workspace path means to the callers of {@link WorkspaceTree}. */
final class WorkspaceErrors {
  private WorkspaceErrors() {}

  static WorkspaceAccessException translate(SyscallException e, String path) {
    return switch (e.errno()) {
      case Syscalls.ENOENT ->
          new WorkspaceAccessException(Reason.NOT_FOUND, "no such file or folder: " + path);
      case Syscalls.ELOOP, Syscalls.EXDEV ->
          new WorkspaceAccessException(
              Reason.LINK,
              "the path goes through a symbolic link, which is never followed: " + path);
      case Syscalls.ENOTDIR ->
          new WorkspaceAccessException(Reason.NOT_A_DIR, "not a folder on the way: " + path);
      case Syscalls.EISDIR -> new WorkspaceAccessException(Reason.IS_A_DIR, "a folder: " + path);
      case Syscalls.EEXIST ->
          new WorkspaceAccessException(Reason.EXISTS, "already exists: " + path);
      case Syscalls.ENOTEMPTY ->
          new WorkspaceAccessException(Reason.NOT_EMPTY, "not empty: " + path);
      case Syscalls.ENXIO ->
          new WorkspaceAccessException(Reason.NOT_A_FILE, "not a regular file: " + path);
      case Syscalls.ENAMETOOLONG ->
          new WorkspaceAccessException(Reason.BAD_PATH, "a name is too long: " + path);
      case Syscalls.ENOSPC, Syscalls.EDQUOT ->
          new WorkspaceAccessException(
              Reason.DISK_FULL, "the workspace is full (no space left on device)");
      default -> new WorkspaceAccessException(Reason.IO, e.getMessage() + ": " + path);
    };
  }
}
