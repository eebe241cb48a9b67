package io.pier.e2e.bench;

import io.pier.e2e.FleetHarness;
import java.util.ArrayList;
import java.util.List;

/**
 * Time from SIGKILL of a node-agent to every one of its repls serving its preview again from another node: three
 * node-agent processes, nine repls, the node with the most repls killed; several rounds, each on a fresh fleet.
 * Prints its figures; run with {@code bench/run.sh failover}.
 */
public final class FailoverBenchmark {
  private FailoverBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    List<Long> times = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      FleetHarness.Failover result = FleetHarness.killTheBusiestNode(3, 9);
      times.add(result.millis());
      System.out.printf(
          "round %d: %d repls of the SIGKILLed node serving elsewhere after %d ms%n",
          round, result.repls(), result.millis());
    }
    times.sort(Long::compare);
    System.out.printf(
        "failover: n=%d  min %d ms  median %d ms  max %d ms%n",
        times.size(), times.get(0), times.get(times.size() / 2), times.get(times.size() - 1));
    System.exit(0);
  }
}
