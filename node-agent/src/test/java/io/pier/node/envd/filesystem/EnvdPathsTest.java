package io.pier.node.envd.filesystem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.envd.filesystem.EnvdPaths.EnvdPath;
import org.junit.jupiter.api.Test;

class EnvdPathsTest {
  @Test
  void theHomeOfE2bsUserAndTheWorkspaceMountAreBothTheWorkspace() {
    assertEquals(new EnvdPath("/home/user", "a/b.txt"), EnvdPaths.resolve("/home/user/a/b.txt"));
    assertEquals(new EnvdPath("/workspace", "a/b.txt"), EnvdPaths.resolve("/workspace/a/b.txt"));
    assertEquals(new EnvdPath("/home/user", ""), EnvdPaths.resolve("/home/user"));
    assertEquals(new EnvdPath("/workspace", ""), EnvdPaths.resolve("/workspace/"));
  }

  @Test
  void relativePathsTildeAndNothingResolveAgainstTheHome() {
    assertEquals(new EnvdPath("/home/user", "x.txt"), EnvdPaths.resolve("x.txt"));
    assertEquals(new EnvdPath("/home/user", "d/x.txt"), EnvdPaths.resolve("~/d/x.txt"));
    assertEquals(new EnvdPath("/home/user", ""), EnvdPaths.resolve("~"));
    assertEquals(new EnvdPath("/home/user", ""), EnvdPaths.resolve(""));
    assertEquals(new EnvdPath("/home/user", ""), EnvdPaths.resolve(null));
  }

  @Test
  void dotSegmentsRepeatedAndTrailingSlashesAreDropped() {
    assertEquals(new EnvdPath("/home/user", "a/b"), EnvdPaths.resolve("/home//user/./a//b/"));
    assertEquals(new EnvdPath("/home/user", "a"), EnvdPaths.resolve("./a"));
  }

  @Test
  void dotDotIsRefusedNeverResolved() {
    for (String path :
        new String[] {"../etc/passwd", "/home/user/../../etc", "/workspace/a/../b"}) {
      ConnectException e = assertThrows(ConnectException.class, () -> EnvdPaths.resolve(path));
      assertEquals(ConnectCode.INVALID_ARGUMENT, e.code(), path);
    }
  }

  @Test
  void pathsOutsideTheWorkspaceAreRefusedNamingWhatPierServes() {
    for (String path :
        new String[] {
          "/",
          "/etc/passwd",
          "/tmp/x",
          "/home",
          "/home/runner/.bashrc",
          "/home/userx",
          "/workspacex"
        }) {
      ConnectException e = assertThrows(ConnectException.class, () -> EnvdPaths.resolve(path));
      assertEquals(ConnectCode.INVALID_ARGUMENT, e.code(), path);
      assertTrue(e.getMessage().contains("/workspace"), e.getMessage());
    }
  }

  @Test
  void nulAndOverlongPathsAreRefused() {
    assertEquals(
        ConnectCode.INVALID_ARGUMENT,
        assertThrows(ConnectException.class, () -> EnvdPaths.resolve("/home/user/a\0b")).code());
    assertEquals(
        ConnectCode.INVALID_ARGUMENT,
        assertThrows(ConnectException.class, () -> EnvdPaths.resolve("a".repeat(5000))).code());
  }

  @Test
  void anAnswerNamesEntriesUnderTheRootTheRequestUsed() {
    EnvdPath home = EnvdPaths.resolve("/home/user");
    assertEquals("/home/user/src/a.js", home.child("src/a.js").shown());
    assertEquals("user", home.name());
    EnvdPath src = EnvdPaths.resolve("/workspace/src");
    assertEquals("/workspace/src/a.js", src.child("a.js").shown());
    assertEquals("a.js", src.child("a.js").name());
    assertEquals("lib/a.js", src.nameOf("src/lib/a.js"));
    assertTrue(src.isAbove("src/a.js"));
    assertTrue(!src.isAbove("src") && !src.isAbove("srcx/a.js"));
    assertTrue(home.isAbove("a") && !home.isAbove(""));
  }
}
