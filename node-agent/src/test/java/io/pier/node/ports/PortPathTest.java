package io.pier.node.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PortPathTest {
  private static final String SLUG = "blue-fox-1a2b3c";

  @Test
  void theSlugThePortAndTheRestOfThePathAreRead() throws Exception {
    assertEquals(new PortPath(SLUG, 8000, "/"), PortPath.parse("/ports/" + SLUG + "/8000/"));
    assertEquals(new PortPath(SLUG, 8000, "/"), PortPath.parse("/ports/" + SLUG + "/8000"));
    assertEquals(new PortPath(SLUG, 8000, "/?x=1"), PortPath.parse("/ports/" + SLUG + "/8000?x=1"));
    assertEquals(
        new PortPath(SLUG, 1, "/a/b%20c?d=e/f"),
        PortPath.parse("/ports/" + SLUG + "/1/a/b%20c?d=e/f"));
    assertEquals(new PortPath(SLUG, 65535, "//x"), PortPath.parse("/ports/" + SLUG + "/65535//x"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"0", "65536", "99999", "08000", "-1", "+80", "abc", "", "8000x", "123456"})
  void aPortOutsideOneTo65535OrSpeltOtherwiseIsRefused(String port) {
    PortPath.Refused refused =
        assertThrows(
            PortPath.Refused.class, () -> PortPath.parse("/ports/" + SLUG + "/" + port + "/"));
    assertEquals("bad_port", refused.code());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Blue-Fox", "..", ".", "a_b", "-x", "%2e%2e", ""})
  void aSlugThatIsNoSlugIsRefused(String slug) {
    PortPath.Refused refused =
        assertThrows(PortPath.Refused.class, () -> PortPath.parse("/ports/" + slug + "/8000/"));
    assertEquals("bad_sandbox", refused.code());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/../../red-owl-4d5e6f/8000/",
        "/..",
        "/a/./b",
        "/%2e%2e/%2E%2e/red-owl-4d5e6f/8000/",
        "/.%2e/x",
        "/a\\..\\b",
        "/a%5c..%5cb",
        "/a b",
        "/a\tb"
      })
  void aPathThatCouldClimbOutIsRefused(String rest) {
    PortPath.Refused refused =
        assertThrows(
            PortPath.Refused.class, () -> PortPath.parse("/ports/" + SLUG + "/8000" + rest));
    assertEquals("bad_path", refused.code());
  }

  @Test
  void anythingButAPortPathIsRefused() {
    assertThrows(PortPath.Refused.class, () -> PortPath.parse("/envd/" + SLUG + "/"));
    assertThrows(PortPath.Refused.class, () -> PortPath.parse(null));
  }
}
