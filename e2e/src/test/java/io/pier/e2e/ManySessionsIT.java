package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, small enough for CI: more IDE sessions to one node-agent than any default pool holds (Vert.x's HTTP/1.1
 * pool has 5 connections per origin, the edge's preview pool 32), each with a terminal that echoes, previews at the
 * same time, upgrades abandoned before their answer and upgraded ones never read, a repl stopped under its sessions;
 * two cycles. Then a new session still connects and echoes, and the edge and the node-agent hold nothing.
 * {@code bench/run.sh sessions} runs the same at 500 sessions and 10 cycles.
 */
class ManySessionsIT {

  @Test
  void fortySessionsToOneNodeAllEchoAndEverythingComesBackToIdle() throws Exception {
    try (ManySessionsLoad load = ManySessionsLoad.start(2, 40)) {
      ManySessionsLoad.Report report = load.run(new ManySessionsLoad.Settings(2, 40, 2, 60, 48));
      System.out.println("[sessions] " + report);
      assertEquals(List.of(), report.failures());
      assertEquals(80, report.sessionsOpened());
      long raw = IntStream.range(0, 40).filter(n -> n / 2 >= 8 && n % 5 == 4).count();
      assertEquals(
          2 * (40 - raw),
          report.echoes(),
          "every protocol session echoed (the raw sockets have no terminal)");
      assertEquals(120, report.previewsOk());
      assertEquals(40, report.peakSessions(), "40 relayed at once");
      assertTrue(report.lastEdgeLoad().idle(), String.valueOf(report.lastEdgeLoad()));
      assertEquals(0, report.lastNodeSessions());
      assertTrue(load.aNewSessionWorks(), "a new session connects and echoes after the load");
      assertTrue(load.edgeLoad().idle() || awaitIdle(load), String.valueOf(load.edgeLoad()));
    }
  }

  private static boolean awaitIdle(ManySessionsLoad load) throws InterruptedException {
    for (int i = 0; i < 100 && !load.edgeLoad().idle(); i++) Thread.sleep(100);
    return load.edgeLoad().idle();
  }
}
