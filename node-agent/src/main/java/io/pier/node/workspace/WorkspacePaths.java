package io.pier.node.workspace;

import io.pier.node.workspace.WorkspaceAccessException.Reason;
import io.pier.node.workspace.linux.Syscalls;
import java.nio.charset.StandardCharsets;

/** Workspace paths: relative, {@code /}-separated, without empty, {@code .} or {@code ..} segments or NUL. */
final class WorkspacePaths {
  private WorkspacePaths() {}

  /**
   * Checks a workspace path: relative, {@code /}-separated, no empty, {@code .} or {@code ..} segment, no NUL.
   *
   * @throws WorkspaceAccessException {@code BAD_PATH}
   */
  static void check(String path) {
    if (path == null) throw new WorkspaceAccessException(Reason.BAD_PATH, "a path is required");
    if (path.isEmpty()) return;
    if (path.indexOf('\0') >= 0)
      throw new WorkspaceAccessException(Reason.BAD_PATH, "a path cannot hold NUL");
    if (path.startsWith("/"))
      throw new WorkspaceAccessException(Reason.BAD_PATH, "paths are relative: " + path);
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new WorkspaceAccessException(
            Reason.BAD_PATH, "empty, '.' and '..' segments are not allowed: " + path);
      }
    }
  }

  static byte[] relative(String path, boolean allowRoot) {
    check(path);
    if (path.isEmpty() && !allowRoot)
      throw new WorkspaceAccessException(Reason.BAD_PATH, "a file path is required");
    return Syscalls.bytes(path);
  }

  static String parentOf(String path) {
    check(path);
    if (path.isEmpty())
      throw new WorkspaceAccessException(Reason.BAD_PATH, "the workspace itself has no parent");
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  static byte[] lastName(String path) {
    check(path);
    if (path.isEmpty()) throw new WorkspaceAccessException(Reason.BAD_PATH, "a name is required");
    return path.substring(path.lastIndexOf('/') + 1).getBytes(StandardCharsets.UTF_8);
  }
}
