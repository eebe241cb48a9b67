package io.pier.node.session;

import io.pier.node.workspace.WorkspaceAccessException;

/** A workspace tree's refusals ({@link WorkspaceAccessException}) as the session protocol's errors. */
final class TreeRefusals {
  private TreeRefusals() {}

  interface Operation<T> {
    T run();
  }

  /** Runs a tree operation, turning its refusals into the protocol's error codes. */
  static <T> T guarded(String path, Operation<T> operation) {
    try {
      return operation.run();
    } catch (WorkspaceAccessException e) {
      throw new SessionException(code(e.reason()), message(e, path));
    }
  }

  private static String code(WorkspaceAccessException.Reason reason) {
    return switch (reason) {
      case NOT_FOUND -> "not_found";
      case LINK, BAD_PATH -> "bad_path";
      case NOT_A_FILE -> "not_a_file";
      case IS_A_DIR -> "is_a_dir";
      case NOT_A_DIR -> "not_a_dir";
      case EXISTS -> "exists";
      case NOT_EMPTY -> "busy";
      case TOO_LARGE -> "too_large";
      case DISK_FULL -> "disk_full";
      case IO -> "io_error";
    };
  }

  private static String message(WorkspaceAccessException e, String path) {
    return switch (e.reason()) {
      case TOO_LARGE ->
          path + " is larger than " + WorkspaceFiles.MAX_FILE_BYTES / (1024 * 1024) + " MiB";
      case DISK_FULL ->
          "the workspace is full (no space left on device): delete files to make room, then try again";
      case NOT_EMPTY -> "a process keeps adding files to " + path + "; try again";
      case NOT_A_FILE -> path + " is a FIFO, socket or device, which the IDE does not open";
      default -> e.getMessage();
    };
  }
}
