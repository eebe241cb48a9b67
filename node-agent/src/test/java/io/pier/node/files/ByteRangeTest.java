package io.pier.node.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ByteRangeTest {
  @Test
  void rangesAreReadAsRfc9110SaysAndClippedToTheFile() {
    assertEquals(new ByteRange(0, 10), ByteRange.parse("bytes=0-9", 100).orElseThrow());
    assertEquals(new ByteRange(90, 10), ByteRange.parse("bytes=90-", 100).orElseThrow());
    assertEquals(new ByteRange(80, 20), ByteRange.parse("bytes=-20", 100).orElseThrow());
    assertEquals(new ByteRange(95, 5), ByteRange.parse("bytes=95-200", 100).orElseThrow());
    assertEquals("bytes 0-9/100", new ByteRange(0, 10).contentRange(100));
  }

  @Test
  void whatIsNotOneRangeMeansTheWholeFile() {
    assertTrue(ByteRange.parse(null, 100).isEmpty());
    assertTrue(ByteRange.parse("bytes=0-1,5-6", 100).isEmpty());
    assertTrue(ByteRange.parse("items=0-1", 100).isEmpty());
    assertTrue(ByteRange.parse("bytes=9-2", 100).isEmpty());
    assertTrue(ByteRange.parse("bytes=x-", 100).isEmpty());
  }

  @Test
  void aRangePastTheEndIsUnsatisfiable() {
    assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=100-", 100));
    assertThrows(ByteRange.Unsatisfiable.class, () -> ByteRange.parse("bytes=-5", 0));
  }
}
