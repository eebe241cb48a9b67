package io.pier.common.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplNamesTest {
  @Test
  void aTitleIsTrimmedAndBlankMeansNone() {
    assertEquals("My app", ReplNames.title("  My app  "));
    assertNull(ReplNames.title("   "));
    assertNull(ReplNames.title(null));
  }

  @Test
  void aTitleLongerThanTheLimitIsRefusedNamingTheField() {
    assertEquals(ReplNames.MAX_TITLE, ReplNames.title("é".repeat(ReplNames.MAX_TITLE)).length());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ReplNames.title("x".repeat(ReplNames.MAX_TITLE + 1)));
    assertTrue(e.getMessage().startsWith("\"title\" is 81 characters"), e.getMessage());
    assertTrue(e.getMessage().contains("at most " + ReplNames.MAX_TITLE), e.getMessage());
  }

  @Test
  void aTitleIsOneLineWithoutControlCharacters() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> ReplNames.title("two\nlines"))
            .getMessage()
            .startsWith("\"title\" may not contain control characters"));
    assertThrows(IllegalArgumentException.class, () -> ReplNames.title("bell\u0007"));
  }

  @Test
  void aDescriptionMayHaveLineBreaksButNotOtherControlCharacters() {
    assertEquals("line one\nline two\tend", ReplNames.description("line one\nline two\tend"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> ReplNames.description("esc\u001b[31m"))
            .getMessage()
            .startsWith("\"description\""));
  }

  @Test
  void aDescriptionLongerThanTheLimitIsRefused() {
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> ReplNames.description("d".repeat(ReplNames.MAX_DESCRIPTION + 1)))
            .getMessage()
            .startsWith("\"description\" is " + (ReplNames.MAX_DESCRIPTION + 1)));
  }

  @Test
  void aRecordKeepsItsNamesThroughItsStoredJson() {
    ReplRecord named =
        new ReplRecord(
                "quiet-otter-12",
                "node",
                "alice",
                ReplState.STOPPED,
                null,
                Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-02T00:00:00Z"),
                new Limits(1, 512, 256))
            .withNames("Shop", "A little shop");
    ReplRecord read = ReplRecord.fromJson(named.toStoredJson());
    assertEquals("Shop", read.title());
    assertEquals("A little shop", read.description());
    assertNull(ReplRecord.fromJson(named.withNames(null, null).toStoredJson()).title());
  }
}
