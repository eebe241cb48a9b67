package io.pier.node.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QueueInputStreamTest {
  @Test
  void inputNobodyReadsIsRefusedPastTheCapacityAndTakenAgainOnceRead() throws Exception {
    QueueInputStream in = new QueueInputStream(10);
    assertTrue(in.offer("12345".getBytes(StandardCharsets.UTF_8)));
    assertTrue(in.offer("67890".getBytes(StandardCharsets.UTF_8)));
    assertFalse(in.offer("x".getBytes(StandardCharsets.UTF_8)), "full: refused, not kept");

    byte[] read = new byte[10];
    assertEquals(5, in.read(read, 0, 10));
    assertTrue(in.offer("abcde".getBytes(StandardCharsets.UTF_8)), "room again once read");
    assertEquals(5, in.read(read, 5, 5));
    assertArrayEquals("1234567890".getBytes(StandardCharsets.UTF_8), read);
  }

  @Test
  void aSingleChunkLargerThanTheCapacityPassesWhenNothingWaits() throws Exception {
    QueueInputStream in = new QueueInputStream(4);
    assertTrue(in.offer("a large paste".getBytes(StandardCharsets.UTF_8)));
    assertFalse(in.offer("more".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aClosedStreamTakesNothingAndEnds() throws Exception {
    QueueInputStream in = new QueueInputStream(10);
    in.close();
    assertFalse(in.offer("x".getBytes(StandardCharsets.UTF_8)));
    assertEquals(-1, in.read());
  }
}
