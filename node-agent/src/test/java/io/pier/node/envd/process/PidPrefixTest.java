package io.pier.node.envd.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PidPrefixTest {
  @Test
  void theFirstLineIsTheIdAndTheRestIsOutput() {
    PidPrefix prefix = new PidPrefix();
    assertEquals("hello\n", text(prefix.feed(bytes("42\nhello\n"))));
    assertEquals(42, prefix.pid());
  }

  @Test
  void aTerminalsCarriageReturnIsPartOfTheLine() {
    PidPrefix prefix = new PidPrefix();
    assertEquals("", text(prefix.feed(bytes("4"))));
    assertEquals("$ ", text(prefix.feed(bytes("2\r\n$ "))));
    assertEquals(42, prefix.pid());
  }

  @Test
  void aFirstLineThatIsNoIdIsOutput() {
    PidPrefix prefix = new PidPrefix();
    assertEquals("", text(prefix.feed(bytes("12"))));
    assertEquals("12ab\n", text(prefix.feed(bytes("ab\n"))));
    assertEquals(-1, prefix.pid());
    assertEquals("12\r3\n", text(new PidPrefix().feed(bytes("12\r3\n"))));
  }

  @Test
  void whatWasHeldIsOutputWhenTheProcessEnds() {
    PidPrefix prefix = new PidPrefix();
    assertEquals("", text(prefix.feed(bytes("7"))));
    assertEquals("7", text(prefix.flush()));
    assertEquals(-1, prefix.pid());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
