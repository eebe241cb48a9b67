package io.pier.node.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OutputGateTest {
  @Test
  void theReadingThreadWaitsWhileTheClientIsFullAndGoesOnOnceItHasRoom() throws Exception {
    OutputGate gate = new OutputGate();
    gate.pause(true);
    CompletableFuture<Boolean> entered = new CompletableFuture<>();
    Thread reader = new Thread(() -> entered.complete(gate.enter(100)));
    reader.start();
    awaitWaiting(reader);
    assertFalse(entered.isDone());
    gate.pause(false);
    assertTrue(entered.get());
    assertEquals(100, gate.handedOver());
  }

  @Test
  void noMoreThanTheHopIsHandedOverUntilItIsDelivered() throws Exception {
    OutputGate gate = new OutputGate();
    assertTrue(gate.enter(OutputGate.HOP_BYTES));
    CompletableFuture<Boolean> entered = new CompletableFuture<>();
    Thread reader = new Thread(() -> entered.complete(gate.enter(1)));
    reader.start();
    awaitWaiting(reader);
    gate.delivered(OutputGate.HOP_BYTES);
    assertTrue(entered.get());
  }

  @Test
  void aClosedGateDropsInsteadOfWaiting() throws Exception {
    OutputGate gate = new OutputGate();
    gate.pause(true);
    CompletableFuture<Boolean> entered = new CompletableFuture<>();
    Thread reader = new Thread(() -> entered.complete(gate.enter(10)));
    reader.start();
    awaitWaiting(reader);
    gate.close();
    assertFalse(entered.get());
    assertFalse(gate.enter(10));
  }

  private static void awaitWaiting(Thread thread) {
    while (thread.getState() != Thread.State.WAITING) Thread.onSpinWait();
  }
}
