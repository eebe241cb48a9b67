package io.pier.node.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutputFlowTest {
  private static CompletableFuture<Boolean> enterOnAnotherThread(OutputFlow flow, int bytes) {
    CompletableFuture<Boolean> entered = new CompletableFuture<>();
    Thread t = new Thread(() -> entered.complete(flow.enter(bytes)));
    t.setDaemon(true);
    t.start();
    return entered;
  }

  @Test
  void aPausedStreamWaitsUntilResumed() throws Exception {
    OutputFlow flow = new OutputFlow();
    assertTrue(flow.pause(true));
    assertFalse(flow.pause(true), "already paused");
    CompletableFuture<Boolean> entered = enterOnAnotherThread(flow, 10);
    TestSession.await(() -> thread("waiting in enter", entered));
    assertTrue(flow.pause(false));
    assertTrue(entered.get(30, TimeUnit.SECONDS));
    assertEquals(10, flow.handedOver());
  }

  @Test
  void atMostTheHopBoundIsHandedOverBeforeTheContextDeliversIt() throws Exception {
    OutputFlow flow = new OutputFlow();
    assertTrue(flow.enter(OutputFlow.HOP_BYTES));
    CompletableFuture<Boolean> next = enterOnAnotherThread(flow, 1);
    TestSession.await(() -> thread("waiting for delivery", next));
    flow.delivered(OutputFlow.HOP_BYTES);
    assertTrue(next.get(30, TimeUnit.SECONDS));
    assertEquals(1, flow.handedOver());
  }

  @Test
  void anEndingStreamIsNeverPausedAgain() throws Exception {
    OutputFlow flow = new OutputFlow();
    flow.pause(true);
    CompletableFuture<Boolean> entered = enterOnAnotherThread(flow, 10);
    flow.close();
    assertTrue(entered.get(30, TimeUnit.SECONDS));
    flow.pause(true);
    assertFalse(flow.paused());
    assertTrue(flow.enter(10));
  }

  @Test
  void anInterruptedReaderDropsItsChunk() throws Exception {
    OutputFlow flow = new OutputFlow();
    flow.pause(true);
    Thread.currentThread().interrupt();
    assertFalse(flow.enter(10));
    assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
    assertEquals(0, flow.handedOver());
  }

  /** True once no thread but a waiting one could complete {@code future}: it is still open after a look. */
  private static boolean thread(String what, CompletableFuture<Boolean> future) {
    return !future.isDone()
        && Thread.getAllStackTraces().keySet().stream()
            .anyMatch(t -> t.getState() == Thread.State.WAITING && stackHas(t, "OutputFlow.enter"));
  }

  private static boolean stackHas(Thread t, String frame) {
    for (StackTraceElement e : t.getStackTrace()) {
      if ((e.getClassName().substring(e.getClassName().lastIndexOf('.') + 1)
              + "."
              + e.getMethodName())
          .equals(frame)) {
        return true;
      }
    }
    return false;
  }
}
