package io.pier.common.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SlugsTest {

  @Test
  void generatedSlugsAreValidAndDistinct() {
    Slugs slugs = new Slugs(new SecureRandom());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String slug = slugs.next();
      assertTrue(Slugs.isValid(slug), slug);
      assertTrue(slug.matches("[a-z]+-[a-z]+-[0-9a-f]{6}"), slug);
      assertTrue(seen.add(slug), "repeated " + slug);
    }
    assertEquals(1000, seen.size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "7", "brave-otter-3f9a2c", "a-b", "0abc9", "a--b"})
  void acceptsLowerCaseDnsLabels(String slug) {
    assertTrue(Slugs.isValid(slug));
  }

  @Test
  void accepts63CharactersAndRejects64() {
    assertTrue(Slugs.isValid("a".repeat(63)));
    assertFalse(Slugs.isValid("a".repeat(64)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Brave-otter",
        "UPPER",
        "a.b",
        "brave.otter-1",
        "-abc",
        "abc-",
        "-",
        "a_b",
        "a b",
        "ä",
        "a/b",
        "../x"
      })
  void rejectsWhatIsNotALowerCaseDnsLabel(String slug) {
    assertFalse(Slugs.isValid(slug));
  }

  @ParameterizedTest
  @NullAndEmptySource
  void rejectsNullAndEmpty(String slug) {
    assertFalse(Slugs.isValid(slug));
  }
}
