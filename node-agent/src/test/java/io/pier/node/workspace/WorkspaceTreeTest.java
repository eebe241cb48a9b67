package io.pier.node.workspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.node.workspace.WorkspaceAccessException.Reason;
import io.pier.node.workspace.linux.Syscalls.Kind;
import io.pier.node.workspace.linux.Syscalls.Stat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The workspace tree on a real folder: links at any level are never followed, special files never opened. */
class WorkspaceTreeTest {
  @TempDir Path temp;
  private Path ws;
  private Path outside;
  private WorkspaceTree tree;

  @BeforeEach
  void setUp() throws Exception {
    ws = Files.createDirectory(temp.resolve("ws"));
    outside = Files.createDirectory(temp.resolve("host"));
    Files.writeString(outside.resolve("secret.env"), "S3_SECRET=hunter2");
    tree = new WorkspaceTree(ws, null);
  }

  @Test
  void aSaveThroughAPlantedTemporaryLinkWritesTheWorkspaceFileNotTheLinkTarget() throws Exception {
    Path victim = outside.resolve("cron");
    Files.createSymbolicLink(ws.resolve(".main.py.pier-tmp"), victim);
    Files.createSymbolicLink(ws.resolve("main.py"), victim);
    tree.write("main.py", "print(1)".getBytes(StandardCharsets.UTF_8));
    assertFalse(Files.exists(victim), "nothing written outside");
    assertTrue(
        Files.isRegularFile(ws.resolve("main.py"), LinkOption.NOFOLLOW_LINKS),
        "the link was replaced");
    assertEquals("print(1)", Files.readString(ws.resolve("main.py")));
  }

  @Test
  void linksAreRefusedInEveryPositionOfAPath() throws Exception {
    Files.createDirectories(ws.resolve("a/b"));
    Files.createSymbolicLink(ws.resolve("first"), outside);
    Files.createSymbolicLink(ws.resolve("a/middle"), outside);
    Files.createSymbolicLink(ws.resolve("a/b/last.env"), outside.resolve("secret.env"));
    Files.createSymbolicLink(ws.resolve("rel"), Path.of("../host"));
    Files.createSymbolicLink(ws.resolve("loop1"), Path.of("loop2"));
    Files.createSymbolicLink(ws.resolve("loop2"), Path.of("loop1"));
    for (String path :
        List.of(
            "first/secret.env",
            "a/middle/secret.env",
            "a/b/last.env",
            "rel/secret.env",
            "loop1/x",
            "loop1")) {
      WorkspaceAccessException e =
          assertThrows(WorkspaceAccessException.class, () -> tree.read(path, 1024), path);
      assertEquals(Reason.LINK, e.reason(), path);
      assertThrows(
          WorkspaceAccessException.class, () -> tree.write(path + "/x", new byte[1]), path);
    }
    assertEquals("S3_SECRET=hunter2", Files.readString(outside.resolve("secret.env")));
    try (Stream<Path> left = Files.list(outside)) {
      assertEquals(List.of("secret.env"), left.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void dotSegmentsAndAbsolutePathsAreRefusedBeforeAnyCall() {
    for (String path :
        List.of("../host/secret.env", "a/../../x", "/etc/passwd", "a//b", "./x", "a/.", "x\0y")) {
      WorkspaceAccessException e =
          assertThrows(WorkspaceAccessException.class, () -> tree.read(path, 10), path);
      assertEquals(Reason.BAD_PATH, e.reason(), path);
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void aFifoIsRefusedWithoutWaitingForAWriter() throws Exception {
    assertEquals(0, new ProcessBuilder("mkfifo", ws.resolve("pipe").toString()).start().waitFor());
    WorkspaceAccessException e =
        assertThrows(WorkspaceAccessException.class, () -> tree.read("pipe", 10));
    assertEquals(Reason.NOT_A_FILE, e.reason());
    assertEquals(Kind.OTHER, tree.stat("pipe").orElseThrow().kind());
  }

  @Test
  void readsStopAtTheLimit() throws Exception {
    Files.write(ws.resolve("big"), new byte[2048]);
    assertEquals(
        Reason.TOO_LARGE,
        assertThrows(WorkspaceAccessException.class, () -> tree.read("big", 1024)).reason());
    assertEquals(2048, tree.read("big", 4096).length);
  }

  @Test
  void aRecursiveDeleteRemovesLinksWithoutTouchingWhatTheyPointAt() throws Exception {
    Files.createDirectories(ws.resolve("d/e"));
    Files.writeString(ws.resolve("d/e/f.txt"), "x");
    Files.createSymbolicLink(ws.resolve("d/e/host"), outside);
    Files.createSymbolicLink(ws.resolve("d/secret"), outside.resolve("secret.env"));
    tree.delete("d");
    assertFalse(Files.exists(ws.resolve("d"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.exists(outside.resolve("secret.env")));
  }

  @Test
  void aTreeDeeperThanTheDescriptorBoundIsDeletedWhole() throws Exception {
    Path deep = ws;
    for (int i = 0; i < 200; i++) deep = Files.createDirectory(deep.resolve("d"));
    Files.writeString(deep.resolve("leaf"), "x");
    tree.delete("d");
    try (Stream<Path> left = Files.list(ws)) {
      assertEquals(List.of(), left.toList());
    }
  }

  @Test
  void aWalkReportsRegularFilesSkipsLinksAndNamesNamesThatAreNotUtf8() throws Exception {
    Files.createDirectories(ws.resolve("src"));
    Files.writeString(ws.resolve("src/a.js"), "a");
    Files.createSymbolicLink(ws.resolve("src/host"), outside);
    Files.createSymbolicLink(ws.resolve("linked.env"), outside.resolve("secret.env"));
    assertEquals(
        0,
        new ProcessBuilder("sh", "-c", "touch \"$(printf 'bad\\377name')\"")
            .directory(ws.toFile())
            .start()
            .waitFor());
    List<String> files = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    List<String> others = new ArrayList<>();
    tree.walk(
        new TreeWalk.Visitor() {
          @Override
          public boolean directory(String path, Path open) {
            return true;
          }

          @Override
          public void file(String path, Stat stat) {
            files.add(path);
          }

          @Override
          public void other(String path, Kind kind) {
            others.add(path + ":" + kind);
          }

          @Override
          public void refused(String path, String reason) {
            refused.add(reason);
          }
        });
    assertEquals(List.of("src/a.js"), files);
    assertEquals(List.of("the name is not valid UTF-8"), refused);
    assertTrue(others.containsAll(List.of("src/host:LINK", "linked.env:LINK")), others.toString());
  }

  @Test
  void aSaveKeepsTheFileModeAndARenameNeverReplaces() throws Exception {
    Path script = Files.writeString(ws.resolve("run.sh"), "echo 1");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    tree.write("run.sh", "echo 2".getBytes(StandardCharsets.UTF_8));
    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(script)));
    Files.writeString(ws.resolve("other"), "keep");
    assertEquals(
        Reason.EXISTS,
        assertThrows(WorkspaceAccessException.class, () -> tree.rename("run.sh", "other"))
            .reason());
    tree.rename("run.sh", "bin/run.sh");
    assertArrayEquals("echo 2".getBytes(StandardCharsets.UTF_8), tree.read("bin/run.sh", 100));
    assertEquals("keep", Files.readString(ws.resolve("other")));
  }
}
