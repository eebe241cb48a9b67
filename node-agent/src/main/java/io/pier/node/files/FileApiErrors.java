package io.pier.node.files;

import io.pier.common.http.ApiException;
import io.pier.node.limits.BlockingPool;
import io.pier.node.workspace.DiskFull;
import io.pier.node.workspace.PathReports;
import io.pier.node.workspace.WorkspaceAccessException;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a failure of the programs' file API says to its caller: an {@link ApiException} with status and code. */
public final class FileApiErrors {
  private static final Logger LOG = LoggerFactory.getLogger(FileApiErrors.class);

  private FileApiErrors() {}

  /** The failure as the API answers it; what is not the caller's doing becomes a 500 that hides the internals. */
  public static ApiException of(Throwable failure, String path) {
    Throwable e = failure;
    while (e instanceof CompletionException && e.getCause() != null) e = e.getCause();
    if (e instanceof ApiException api) return api;
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof RefusedInput refused) return refused.answer();
    }
    if (e instanceof WorkspaceAccessException w) return of(w, path);
    if (e instanceof BlockingPool.Busy) return new ApiException(503, "busy", e.getMessage());
    if (e instanceof BlockingPool.TimedOut) return new ApiException(504, "timeout", e.getMessage());
    if (DiskFull.causedBy(e)) return diskFull();
    LOG.warn("file API on {} failed", PathReports.printable(path), e);
    return new ApiException(
        500, "internal", "internal error; the node-agent's log has the details");
  }

  private static ApiException of(WorkspaceAccessException e, String path) {
    String shown = PathReports.printable(path);
    return switch (e.reason()) {
      case NOT_FOUND -> new ApiException(404, "not_found", "no such file or folder: " + shown);
      case LINK -> linkRefused(path);
      case BAD_PATH -> new ApiException(400, "bad_path", e.getMessage());
      case NOT_A_FILE ->
          new ApiException(
              403, "not_a_file", shown + " is a FIFO, socket or device, which is never opened");
      case IS_A_DIR -> new ApiException(409, "is_a_dir", shown + " is a folder");
      case NOT_A_DIR -> new ApiException(409, "not_a_dir", "not a folder on the way to " + shown);
      case EXISTS -> new ApiException(409, "exists", shown + " exists already");
      case NOT_EMPTY ->
          new ApiException(
              409, "not_empty", shown + " is not empty (or a process keeps filling it)");
      case TOO_LARGE -> new ApiException(413, "too_large", e.getMessage());
      case DISK_FULL -> diskFull();
      case IO -> {
        LOG.warn("file API on {}: {}", shown, e.getMessage());
        yield new ApiException(500, "io_error", "reading or writing " + shown + " failed");
      }
    };
  }

  static ApiException linkRefused(String path) {
    return new ApiException(
        403,
        "link",
        PathReports.printable(path)
            + " is or goes through a symbolic link, which is never followed");
  }

  static ApiException diskFull() {
    return new ApiException(
        507,
        "disk_full",
        "the workspace is full (no space left on device): delete files to make room, then try again");
  }
}
