package io.pier.node.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What a late tab is replayed: the last bytes of the output, held in no more room than the output needs. */
class OutputBufferTest {

  @Test
  void aFewLinesAreReplayedWholeAndHoldLittle() {
    OutputBuffer buffer = new OutputBuffer(64 * 1024);
    buffer.append("listening on 3000\n".getBytes(StandardCharsets.UTF_8));
    buffer.append("GET /\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(
        "listening on 3000\nGET /\n", new String(buffer.snapshot(), StandardCharsets.UTF_8));
    assertTrue(
        buffer.allocated() <= 1024, "a short output holds a small ring, got " + buffer.allocated());
  }

  @Test
  void moreOutputThanTheCapacityKeepsTheLastBytesInOrder() {
    OutputBuffer buffer = new OutputBuffer(4096);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < 2000; i++) {
      byte[] line = ("line " + i + "\n").getBytes(StandardCharsets.UTF_8);
      buffer.append(line);
      all.writeBytes(line);
    }
    byte[] everything = all.toByteArray();
    assertArrayEquals(
        Arrays.copyOfRange(everything, everything.length - 4096, everything.length),
        buffer.snapshot());
    assertEquals(4096, buffer.allocated());
  }

  @Test
  void oneWriteLargerThanTheCapacityKeepsItsTail() {
    OutputBuffer buffer = new OutputBuffer(1500);
    buffer.append("ab".getBytes(StandardCharsets.UTF_8));
    byte[] big = new byte[5000];
    for (int i = 0; i < big.length; i++) big[i] = (byte) ('a' + i % 26);
    buffer.append(big);
    assertArrayEquals(Arrays.copyOfRange(big, 3500, 5000), buffer.snapshot());
  }

  @Test
  void clearedOutputIsNotReplayedAndGivesItsRoomBack() {
    OutputBuffer buffer = new OutputBuffer(4096);
    buffer.append(new byte[3000]);
    buffer.clear();
    assertEquals(0, buffer.snapshot().length);
    assertEquals(0, buffer.allocated());
    buffer.append("again".getBytes(StandardCharsets.UTF_8));
    assertEquals("again", new String(buffer.snapshot(), StandardCharsets.UTF_8));
  }
}
