package io.pier.node.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The IDE's file operations turn what the workspace tree refuses into protocol errors. */
class WorkspaceFilesTest {
  @TempDir Path temp;
  private Path workspace;
  private Path host;
  private WorkspaceFiles files;

  @BeforeEach
  void setUp() throws Exception {
    workspace = Files.createDirectory(temp.resolve("quiet-otter-123456"));
    host = Files.createDirectory(temp.resolve("host"));
    files = new WorkspaceFiles(workspace);
  }

  @Test
  void aSaveNeverWritesThroughATemporaryFileTheReplPlanted() throws Exception {
    Files.writeString(workspace.resolve("main.js"), "old");
    Files.createSymbolicLink(workspace.resolve(".main.js.pier-tmp"), host.resolve("cron"));
    String version = files.write("main.js", "new content", null);
    assertEquals("new content", Files.readString(workspace.resolve("main.js")));
    assertEquals(version, files.read("main.js").version());
    assertFalse(Files.exists(host.resolve("cron")));
  }

  @Test
  void readsThroughALinkedFolderAreBadPaths() throws Exception {
    Files.writeString(host.resolve("node-agent.env"), "PIER_AUTH_SECRET=x");
    Files.createSymbolicLink(workspace.resolve("sub"), host);
    assertEquals(
        "bad_path",
        assertThrows(SessionException.class, () -> files.read("sub/node-agent.env")).code());
    assertEquals("bad_path", assertThrows(SessionException.class, () -> files.list("sub")).code());
    assertEquals(
        "bad_path",
        assertThrows(SessionException.class, () -> files.write("sub/node-agent.env", "x", null))
            .code());
    assertEquals("PIER_AUTH_SECRET=x", Files.readString(host.resolve("node-agent.env")));
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void aFifoIsNotAFileAndIsListedAsOther() throws Exception {
    assertEquals(
        0, new ProcessBuilder("mkfifo", workspace.resolve("f").toString()).start().waitFor());
    assertEquals("not_a_file", assertThrows(SessionException.class, () -> files.read("f")).code());
    assertEquals("other", files.list("").entries().get(0).type());
  }

  @Test
  void namesThatStorageCannotHoldAreRefusedWithBadName() {
    for (String name :
        new String[] {"l\\..\\..\\victim\\files\\index.js", "new\nline.txt", "x".repeat(1100)}) {
      assertEquals(
          "bad_name",
          assertThrows(SessionException.class, () -> files.write(name, "x", null)).code(),
          name);
      assertEquals(
          "bad_name",
          assertThrows(SessionException.class, () -> files.create(name, false, "")).code());
    }
    assertEquals(
        "bad_path",
        assertThrows(SessionException.class, () -> files.write("../x", "x", null)).code());
  }

  @Test
  void aBigFolderIsListedUpToTheLimitAndSaysSo() throws Exception {
    for (int i = 0; i < WorkspaceFiles.MAX_LIST_ENTRIES + 10; i++)
      Files.createFile(workspace.resolve("f" + i));
    WorkspaceFiles.Listing listing = files.list("");
    assertEquals(WorkspaceFiles.MAX_LIST_ENTRIES, listing.entries().size());
    assertTrue(listing.truncated());
  }
}
