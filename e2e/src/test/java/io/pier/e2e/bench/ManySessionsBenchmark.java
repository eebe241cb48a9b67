package io.pier.e2e.bench;

import io.pier.e2e.ManySessionsLoad;
import java.time.Duration;

/**
 * Issue 13's load test: {@code sessions} IDE sessions at once through one edge-proxy to {@code repls} repls on one
 * node-agent, each with a terminal typed into, previews asked for at the same time, then ended in every way; several
 * cycles. Checks every session connected and echoed, the edge's and node-agent's gauges back at idle after each
 * cycle, and the idle heap back within 10 % of its first value. Run with
 * {@code bench/run.sh sessions [sessions] [cycles] [repls]} (8 repls by default: what the harness's node-agent has memory
 * for); {@code bench/run.sh soak [minutes] [users] [repls]} runs
 * the constant mix instead (typing, saves, terminals, previews, starts and stops) and checks no save was lost.
 */
public final class ManySessionsBenchmark {
  private ManySessionsBenchmark() {}

  public static void main(String[] args) throws Exception {
    boolean soak = args.length > 0 && args[0].equals("soak");
    int offset = soak ? 1 : 0;
    int first = args.length > offset ? Integer.parseInt(args[offset]) : (soak ? 15 : 500);
    int second = args.length > offset + 1 ? Integer.parseInt(args[offset + 1]) : (soak ? 40 : 10);
    int repls = args.length > offset + 2 ? Integer.parseInt(args[offset + 2]) : 8;
    boolean ok;
    try (ManySessionsLoad load = ManySessionsLoad.start(repls, soak ? second : first)) {
      ManySessionsLoad.Report report;
      if (soak) {
        report = load.soak(Duration.ofMinutes(first), second);
        System.out.println("[soak] " + report);
      } else {
        report = load.run(new ManySessionsLoad.Settings(repls, first, second, first, 64));
        System.out.println("[sessions] " + report);
      }
      boolean fresh = load.aNewSessionWorks();
      boolean idle =
          report.lastEdgeLoad() != null
              && report.lastEdgeLoad().idle()
              && report.lastNodeSessions() == 0;
      boolean memory = Math.abs(report.idleHeapDrift()) <= 0.10;
      report.failures().stream().limit(50).forEach(f -> System.out.println("  failure: " + f));
      System.out.printf(
          "checks: no failures %s, edge and node-agent idle %s, idle heap within 10%% %s,"
              + " a new session works %s%n",
          report.failures().isEmpty(), idle, memory, fresh);
      ok = report.failures().isEmpty() && idle && memory && fresh;
    }
    System.exit(ok ? 0 : 1);
  }
}
