package io.pier.node.envd.filesystem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.http.ApiException;
import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.workspace.WorkspaceAccessException;
import io.pier.node.workspace.WorkspaceAccessException.Reason;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class FilesystemErrorsTest {
  @Test
  void workspaceRefusalsBecomeTheConnectCodesEnvdAnswersWith() {
    assertEquals(ConnectCode.NOT_FOUND, code(new WorkspaceAccessException(Reason.NOT_FOUND, "x")));
    assertEquals(
        ConnectCode.PERMISSION_DENIED, code(new WorkspaceAccessException(Reason.LINK, "x")));
    assertEquals(
        ConnectCode.PERMISSION_DENIED, code(new WorkspaceAccessException(Reason.NOT_A_FILE, "x")));
    assertEquals(
        ConnectCode.ALREADY_EXISTS, code(new WorkspaceAccessException(Reason.EXISTS, "x")));
    assertEquals(
        ConnectCode.FAILED_PRECONDITION, code(new WorkspaceAccessException(Reason.NOT_A_DIR, "x")));
    assertEquals(
        ConnectCode.RESOURCE_EXHAUSTED, code(new WorkspaceAccessException(Reason.DISK_FULL, "x")));
    assertEquals(ConnectCode.INVALID_ARGUMENT, code(new ApiException(400, "bad_name", "x")));
    assertEquals(ConnectCode.RESOURCE_EXHAUSTED, code(new ApiException(503, "busy", "x")));
    assertEquals(ConnectCode.INTERNAL, code(new IllegalStateException("secret internals")));
  }

  @Test
  void aMessageNamesThePathAsTheCallerNamedItAndHidesInternals() {
    ConnectException e =
        FilesystemErrors.of(
            new CompletionException(new WorkspaceAccessException(Reason.LINK, "x")),
            "src/a.js",
            "/home/user/src/a.js");
    assertTrue(e.getMessage().startsWith("/home/user/src/a.js "), e.getMessage());
    ConnectException hidden =
        FilesystemErrors.of(new IllegalStateException("secret internals"), "a", "/home/user/a");
    assertFalse(hidden.getMessage().contains("secret"));
  }

  private static ConnectCode code(Throwable e) {
    return FilesystemErrors.of(e, "p", "/home/user/p").code();
  }
}
