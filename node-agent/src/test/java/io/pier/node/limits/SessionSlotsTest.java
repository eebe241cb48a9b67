package io.pier.node.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionSlotsTest {
  @Test
  void aReplsLimitRefusesItsNextSessionButNotOtherRepls() throws Exception {
    SessionSlots slots = new SessionSlots(10, 2);
    slots.acquire("a");
    slots.acquire("a");
    SessionSlots.Refused refused =
        assertThrows(SessionSlots.Refused.class, () -> slots.acquire("a"));
    assertEquals(SessionSlots.Scope.REPL, refused.scope());
    assertEquals(2, refused.max());
    slots.acquire("b");
    assertEquals(3, slots.used());
    assertEquals(2, slots.used("a"));
    assertEquals(1, slots.refused(SessionSlots.Scope.REPL));
    assertEquals(0, slots.refused(SessionSlots.Scope.NODE));
  }

  @Test
  void theNodesLimitRefusesEveryRepl() throws Exception {
    SessionSlots slots = new SessionSlots(3, 2);
    slots.acquire("a");
    slots.acquire("b");
    slots.acquire("c");
    SessionSlots.Refused refused =
        assertThrows(SessionSlots.Refused.class, () -> slots.acquire("d"));
    assertEquals(SessionSlots.Scope.NODE, refused.scope());
    assertEquals(3, refused.max());
    assertEquals(1, slots.refused(SessionSlots.Scope.NODE));
  }

  @Test
  void aSlotIsGivenBackOnceHoweverOftenItIsReleased() throws Exception {
    SessionSlots slots = new SessionSlots(2, 2);
    SessionSlots.Slot one = slots.acquire("a");
    SessionSlots.Slot two = slots.acquire("a");
    one.release();
    one.release();
    one.release();
    assertEquals(1, slots.used());
    assertEquals(1, slots.used("a"));
    slots.acquire("a");
    assertThrows(SessionSlots.Refused.class, () -> slots.acquire("a"));
    two.release();
    assertEquals(1, slots.used());
  }

  @Test
  void countsReturnToNothingAfterManySessionsCameAndWent() throws Exception {
    SessionSlots slots = new SessionSlots(100, 10);
    for (int round = 0; round < 5; round++) {
      List<SessionSlots.Slot> held = new ArrayList<>();
      for (int i = 0; i < 100; i++) held.add(slots.acquire("repl-" + (i % 10)));
      assertEquals(100, slots.used());
      assertThrows(SessionSlots.Refused.class, () -> slots.acquire("repl-0"));
      held.parallelStream().forEach(SessionSlots.Slot::release);
      assertEquals(0, slots.used());
      assertEquals(0, slots.repls(), "no repl is remembered once its last session left");
    }
  }
}
