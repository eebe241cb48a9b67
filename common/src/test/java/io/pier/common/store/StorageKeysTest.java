package io.pier.common.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StorageKeysTest {
  private static final String PREFIX = "repls/quiet-otter-123456/files/";

  @Test
  void ordinaryPathsAreKeysAsTheyAre() {
    for (String path :
        List.of(
            "index.js",
            "src/app/Main.java",
            ".pierignore",
            "dir with spaces/é ü 漢字.txt",
            "a..b",
            "...",
            "emoji-😀.md")) {
      assertEquals(Optional.empty(), StorageKeys.problem(PREFIX, path), path);
    }
  }

  @Test
  void pathsThatCouldMeanSomethingElseAreRefused() {
    for (String path :
        List.of(
            "",
            "/etc/passwd",
            "a//b",
            "a/",
            "../x",
            "a/../../x",
            "./x",
            "l\\..\\..\\v\\files\\x",
            "new\nline",
            "tab\there",
            "bell\u0007",
            "del\u007f",
            "c1\u0085",
            "lone\ud800surrogate",
            "x".repeat(StorageKeys.MAX_KEY_BYTES))) {
      assertTrue(StorageKeys.problem(PREFIX, path).isPresent(), path);
    }
  }

  @Test
  void dotSegmentsCountWithBackslashesAsSeparators() {
    assertTrue(StorageKeys.hasDotSegment("repls/a/files/../b"));
    assertTrue(StorageKeys.hasDotSegment("repls/a/files/l\\..\\b"));
    assertFalse(StorageKeys.hasDotSegment("repls/a/files/a..b/...c"));
  }
}
