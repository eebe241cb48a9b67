package io.pier.node.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceFilesTest {
  private static final Path FULL_DEVICE = Path.of("/dev/full");

  @TempDir
  Path workspace;

  @Test
  void aSaveIntoAFullWorkspaceIsADiskFullErrorAndLeavesNoHalfFile() throws Exception {
    assumeTrue(Files.exists(FULL_DEVICE), "needs /dev/full, where every write fails with ENOSPC");
    Files.writeString(workspace.resolve("main.js"), "old");
    // The save's temporary file leads to /dev/full: its write fails as on a full disk.
    Path temp = workspace.resolve(".main.js.pier-tmp");
    Files.createSymbolicLink(temp, FULL_DEVICE);
    WorkspaceFiles files = new WorkspaceFiles(workspace);

    SessionException e = assertThrows(SessionException.class, () -> files.write("main.js", "new content", null));

    assertEquals("disk_full", e.code());
    assertTrue(e.getMessage().contains("full"), e.getMessage());
    assertEquals("old", Files.readString(workspace.resolve("main.js")), "the file is left as it was");
    assertFalse(Files.exists(temp, LinkOption.NOFOLLOW_LINKS), "no temporary file keeps holding space");
  }
}
