package io.pier.common.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PreviewAccessTest {

  @ParameterizedTest
  @ValueSource(strings = {"/", "/app/page?x=1&y=%2F", "/a#frag", "/@vite/client"})
  void aPathOnTheSameHostIsKept(String path) {
    assertEquals(path, PreviewAccess.safeReturnPath(path));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "//evil.example/",
        "/\\evil.example/",
        "https://evil.example/",
        "evil",
        "/a\\b",
        "/with space",
        "/new\nline",
        "/caf\u00e9"
      })
  void anythingThatCouldLeaveTheHostBecomesTheRoot(String path) {
    assertEquals("/", PreviewAccess.safeReturnPath(path));
  }

  @org.junit.jupiter.api.Test
  void anOverlongPathBecomesTheRoot() {
    assertEquals("/", PreviewAccess.safeReturnPath("/" + "a".repeat(3000)));
  }
}
