package io.pier.node.workspace;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IgnoreListTest {
  @Test
  void defaultListIgnoresDependencyFoldersAtAnyDepth() {
    assertTrue(IgnoreList.DEFAULT.ignores("node_modules"));
    assertTrue(IgnoreList.DEFAULT.ignores("web/node_modules/react/index.js"));
    assertTrue(IgnoreList.DEFAULT.ignores("app/__pycache__/m.cpython-311.pyc"));
    assertFalse(IgnoreList.DEFAULT.ignores("src/node_modules_notes.md"));
    assertFalse(IgnoreList.DEFAULT.ignores("index.js"));
  }

  @Test
  void pierignoreAddsNamesAndPathsAndSkipsCommentsAndEscapes() {
    IgnoreList list =
        IgnoreList.DEFAULT.plus(List.of("# build output", "", "dist", "/web/build/", "../etc"));
    assertTrue(list.ignores("dist/app.js"));
    assertTrue(list.ignores("pkg/dist"));
    assertTrue(list.ignores("web/build/x.js"));
    assertFalse(list.ignores("build/x.js"), "a path entry is anchored at the workspace root");
    assertFalse(list.ignores("etc/passwd"));
  }

  @Test
  void aWorkspaceWithoutPierignoreUsesTheDefault(@TempDir Path dir) throws Exception {
    WorkspaceTree tree = new WorkspaceTree(dir, null);
    assertSame(IgnoreList.DEFAULT, IgnoreList.forWorkspace(tree));
    Files.writeString(dir.resolve(".pierignore"), "coverage\n");
    assertTrue(IgnoreList.forWorkspace(tree).ignores("coverage/index.html"));
  }

  @Test
  void aPierignoreThatIsALinkIsNotReadAndOneThatIsNotUtf8IsReadAnyway(@TempDir Path dir)
      throws Exception {
    Path ws = Files.createDirectory(dir.resolve("ws"));
    Files.writeString(dir.resolve("host-file"), "secret\n");
    Files.createSymbolicLink(ws.resolve(".pierignore"), dir.resolve("host-file"));
    WorkspaceTree tree = new WorkspaceTree(ws, null);
    assertSame(IgnoreList.DEFAULT, IgnoreList.forWorkspace(tree));
    Files.delete(ws.resolve(".pierignore"));
    Files.write(
        ws.resolve(".pierignore"),
        new byte[] {'d', 'i', 's', 't', '\n', (byte) 0xff, (byte) 0xfe, '\n'});
    assertTrue(IgnoreList.forWorkspace(tree).ignores("dist/x.js"));
  }
}
