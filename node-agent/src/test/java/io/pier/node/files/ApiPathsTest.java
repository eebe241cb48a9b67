package io.pier.node.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pier.common.http.ApiException;
import org.junit.jupiter.api.Test;

class ApiPathsTest {
  private static String of(String raw) {
    return ApiPaths.of(raw, "s1", "files");
  }

  @Test
  void theWorkspaceItselfAndPlainPathsAreNamedAsTheWorkspaceKnowsThem() {
    assertEquals("", of("/api/repls/s1/files"));
    assertEquals("", of("/api/repls/s1/files/"));
    assertEquals("src/a.js", of("/api/repls/s1/files/src/a.js"));
    assertEquals("src", of("/api/repls/s1/files/src/"));
    assertEquals("my file.txt", of("/api/repls/s1/files/my%20file.txt"));
    assertEquals("é.txt", of("/api/repls/s1/files/%C3%A9.txt"));
  }

  @Test
  void dotDotAbsoluteEmptyAndNulSegmentsAreRefusedNotNormalised() {
    for (String raw :
        new String[] {
          "/api/repls/s1/files/a/../../etc/passwd",
          "/api/repls/s1/files/%2e%2e/x",
          "/api/repls/s1/files/a/%2E%2E/b",
          "/api/repls/s1/files//etc/passwd",
          "/api/repls/s1/files/a//b",
          "/api/repls/s1/files/./a",
          "/api/repls/s1/files/a%00b",
          "/api/repls/s1/files/%2Fetc%2Fpasswd",
        }) {
      ApiException e = assertThrows(ApiException.class, () -> of(raw), raw);
      assertEquals(400, e.status(), raw);
    }
  }

  @Test
  void namesThatAreNotUtf8OrBadEscapesAreRefused() {
    assertEquals(
        400, assertThrows(ApiException.class, () -> of("/api/repls/s1/files/%ff")).status());
    assertEquals(
        400, assertThrows(ApiException.class, () -> of("/api/repls/s1/files/%4")).status());
    assertEquals(
        400, assertThrows(ApiException.class, () -> of("/api/repls/s1/files/%zz")).status());
  }

  @Test
  void anotherRouteOrReplIsNotThisOne() {
    assertEquals(404, assertThrows(ApiException.class, () -> of("/api/repls/s1/filesx")).status());
    assertEquals(404, assertThrows(ApiException.class, () -> of("/api/repls/s2/files/a")).status());
  }

  @Test
  void aMoveTargetIsHeldToTheSameRules() {
    assertEquals("b/c", ApiPaths.ofParameter("to", "/b/c"));
    assertEquals(
        400, assertThrows(ApiException.class, () -> ApiPaths.ofParameter("to", "../x")).status());
    assertEquals(
        400, assertThrows(ApiException.class, () -> ApiPaths.ofParameter("to", null)).status());
  }
}
