package io.pier.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ApexPathsTest {

  @Test
  void canonicalPathsAreTheirOwnCanonicalForm() {
    for (String path :
        new String[] {
          "/",
          "/api/repls",
          "/api/repls/my-app/session",
          "/ide/my-app",
          "/assets/a.b-c_d~e.js",
          "/api/repls/",
          "/a%2Fb",
          "/a%20b",
          "/a%3Fb"
        }) {
      assertEquals(path, ApexPaths.canonical(path), path);
    }
  }

  @Test
  void escapedUnreservedCharactersAreDecodedSoTheApiIsRecognised() {
    assertEquals("/api/repls", ApexPaths.canonical("/%61pi/repls"));
    assertEquals("/api/repls", ApexPaths.canonical("/%61%70%69/repls"));
    assertEquals("/api/repls/x/stop", ApexPaths.canonical("/api/repls/x/%73top"));
    assertEquals("/a-b.c_d~e", ApexPaths.canonical("/a%2Db%2Ec%5Fd%7Ee"));
    assertEquals(
        "/a%2Fb",
        ApexPaths.canonical("/a%2fb"), "a reserved character stays escaped, in upper case");
  }

  @Test
  void runsOfSlashesAreOne() {
    assertEquals("/api/repls", ApexPaths.canonical("//api/repls"));
    assertEquals("/api/repls/", ApexPaths.canonical("/api///repls//"));
    assertEquals("/", ApexPaths.canonical("///"));
  }

  @Test
  void dotSegmentsAreRefusedHoweverSpelt() {
    for (String path :
        new String[] {
          "/api/../metrics",
          "/api/./repls",
          "/..",
          "/.",
          "/api/%2e%2e/metrics",
          "/api/%2E./metrics",
          "/api/.%2e",
          "/api/%2e/repls",
          "/x/..//"
        }) {
      assertNull(ApexPaths.canonical(path), path);
    }
    assertEquals(
        "/a..b/.c/..d",
        ApexPaths.canonical("/a..b/.c/..d"),
        "dots inside a name are just characters");
  }

  @Test
  void malformedOrOddPathsAreRefused() {
    for (String path :
        new String[] {
          null,
          "",
          "api/repls",
          "*",
          "/a%",
          "/a%6",
          "/a%zz",
          "/a\\..\\b",
          "/a b",
          "/a\tb",
          "/caf\u00e9",
          "/a\u0000"
        }) {
      assertNull(ApexPaths.canonical(path), String.valueOf(path));
    }
  }

  @Test
  void theApiIsSlashApiAndBelow() {
    assertTrue(ApexPaths.isApi("/api"));
    assertTrue(ApexPaths.isApi("/api/repls"));
    assertFalse(ApexPaths.isApi("/apix"));
    assertFalse(ApexPaths.isApi("/ide/api"));
  }
}
