package io.pier.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RelayLimitsTest {

  private static RelayLimits.Lease lease(RelayLimits limits, String user, String repl) {
    return assertInstanceOf(RelayLimits.Lease.class, limits.admit(user, repl));
  }

  private static RelayLimits.Refusal refusal(RelayLimits limits, String user, String repl) {
    return assertInstanceOf(RelayLimits.Refusal.class, limits.admit(user, repl));
  }

  @Test
  void aUserPastTheirLimitIsRefusedWith429NamingIt() {
    RelayLimits limits = new RelayLimits("IDE sessions", 10, 2, 5);
    lease(limits, "ada", "a1");
    lease(limits, "ada", "a2");
    RelayLimits.Refusal refused = refusal(limits, "ada", "a3");
    assertEquals("user", refused.limit());
    assertEquals(2, refused.max());
    assertEquals(429, refused.status());
    lease(limits, "bob", "a1");
    assertEquals(3, limits.open());
  }

  @Test
  void aReplPastItsLimitIsRefusedWith429() {
    RelayLimits limits = new RelayLimits("IDE sessions", 10, 5, 2);
    lease(limits, "ada", "r");
    lease(limits, "bob", "r");
    RelayLimits.Refusal refused = refusal(limits, "cy", "r");
    assertEquals("repl", refused.limit());
    assertEquals(429, refused.status());
  }

  @Test
  void theEdgePastItsLimitAnswers503() {
    RelayLimits limits = new RelayLimits("IDE sessions", 2, 2, 2);
    lease(limits, "ada", "r1");
    lease(limits, "bob", "r2");
    RelayLimits.Refusal refused = refusal(limits, "cy", "r3");
    assertEquals("edge", refused.limit());
    assertEquals(503, refused.status());
  }

  @Test
  void aReleasedLeaseGivesItsPlaceBackOnceAndLeavesNoEntryBehind() {
    RelayLimits limits = new RelayLimits("IDE sessions", 10, 1, 10);
    RelayLimits.Lease first = lease(limits, "ada", "r");
    refusal(limits, "ada", "r");
    first.release();
    first.release();
    assertEquals(0, limits.open());
    assertEquals(0, limits.keys());
    RelayLimits.Lease again = lease(limits, "ada", "r");
    RelayLimits.Lease other = lease(limits, "bob", "r");
    assertEquals(2, limits.open(), "a double release did not free a place that is taken");
    again.release();
    other.release();
    assertEquals(0, limits.open());
    assertEquals(0, limits.keys());
  }

  @Test
  void withoutAUserOnlyTheReplAndTheEdgeCount() {
    RelayLimits limits = new RelayLimits("preview WebSockets", 10, 0, 3);
    for (int i = 0; i < 3; i++) lease(limits, null, "app");
    assertEquals("repl", refusal(limits, null, "app").limit());
    assertEquals(0, limits.ofUser("anyone"));
  }

  @Test
  void concurrentAdmissionsNeverPassALimitAndAllComeBack() throws Exception {
    RelayLimits limits = new RelayLimits("IDE sessions", 100, 100, 100);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<RelayLimits.Admission>> tries = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        int n = i;
        tries.add(pool.submit(() -> limits.admit("u" + (n % 3), "r" + (n % 7))));
      }
      List<RelayLimits.Lease> leases = new ArrayList<>();
      for (Future<RelayLimits.Admission> t : tries) {
        if (t.get() instanceof RelayLimits.Lease l) leases.add(l);
      }
      assertEquals(100, leases.size());
      assertEquals(100, limits.open());
      List<Future<?>> releases = new ArrayList<>();
      for (RelayLimits.Lease l : leases) {
        releases.add(pool.submit(l::release));
        releases.add(pool.submit(l::release));
      }
      for (Future<?> r : releases) r.get();
      assertEquals(0, limits.open());
      assertEquals(0, limits.keys());
    } finally {
      pool.shutdownNow();
    }
  }
}
