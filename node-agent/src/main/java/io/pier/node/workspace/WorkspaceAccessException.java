package io.pier.node.workspace;

/** A workspace operation refused or failed, with why in a form the caller can act on. */
public final class WorkspaceAccessException extends RuntimeException {
  /** Why. */
  public enum Reason {
    /** The path names nothing. */
    NOT_FOUND,
    /** The path goes through, or names, a symbolic link: never followed. */
    LINK,
    /** The path is not a workspace path (absolute, {@code .} or {@code ..} segments, NUL, empty segment). */
    BAD_PATH,
    /** A FIFO, socket or device: never opened. */
    NOT_A_FILE,
    IS_A_DIR,
    NOT_A_DIR,
    EXISTS,
    NOT_EMPTY,
    TOO_LARGE,
    DISK_FULL,
    IO
  }

  private final Reason reason;

  public WorkspaceAccessException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public WorkspaceAccessException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
