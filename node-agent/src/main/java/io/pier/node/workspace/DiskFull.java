package io.pier.node.workspace;

import java.io.IOException;

/** Recognises the failures of a write to a full disk or workspace, which Java reports only by the system's message. */
public final class DiskFull {
  private DiskFull() {}

  /** True when {@code error} or one of its causes is ENOSPC ("No space left on device") or EDQUOT. */
  public static boolean causedBy(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage();
      if (t instanceof IOException
          && message != null
          && (message.contains("No space left on device")
              || message.contains("Disk quota exceeded"))) {
        return true;
      }
    }
    return false;
  }
}
