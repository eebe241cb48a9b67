package io.pier.node.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PidLineTest {
  @Test
  void theFirstLineIsTheIdAndTheRestIsOutput() {
    PidLine line = new PidLine();
    assertEquals("hello\n", text(line.feed(bytes("42\nhello\n"))));
    assertEquals(42, line.pid());
    assertEquals("more", text(line.feed(bytes("more"))));
  }

  @Test
  void anIdSplitAcrossChunksIsRead() {
    PidLine line = new PidLine();
    assertEquals("", text(line.feed(bytes("12"))));
    assertEquals("x", text(line.feed(bytes("3\nx"))));
    assertEquals(123, line.pid());
  }

  @Test
  void aFirstLineThatIsNoIdIsOutput() {
    PidLine line = new PidLine();
    assertEquals("", text(line.feed(bytes("12"))));
    assertEquals("12ab\n", text(line.feed(bytes("ab\n"))));
    assertEquals(-1, line.pid());
  }

  @Test
  void whatWasHeldIsOutputWhenTheProcessEnds() {
    PidLine line = new PidLine();
    assertEquals("", text(line.feed(bytes("7"))));
    assertEquals("7", text(line.flush()));
    assertEquals(-1, line.pid());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
