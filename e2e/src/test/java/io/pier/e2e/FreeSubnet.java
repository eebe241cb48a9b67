package io.pier.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A 10.x.y.0/24 that no route of the root namespace overlaps (the host's networks, dockerd's bridges, other test
 * runs' switches), so that this JVM's route to the test's switch is unambiguous.
 */
final class FreeSubnet {
  private FreeSubnet() {}

  /** @return the first three octets, {@code 10.x.y} */
  static String pick(RandomGenerator random) {
    List<long[]> taken = routes();
    for (int attempt = 0; attempt < 200; attempt++) {
      String candidate = "10." + random.nextInt(200, 255) + "." + random.nextInt(0, 256);
      long network = address(candidate + ".0");
      if (taken.stream().noneMatch(r -> overlaps(network, 24, r[0], (int) r[1]))) return candidate;
    }
    throw new IllegalStateException("no free 10.x.y.0/24 among the root namespace's routes");
  }

  /** The root namespace's IPv4 routes as {network, prefix length}, the default route left out. */
  private static List<long[]> routes() {
    List<long[]> routes = new ArrayList<>();
    for (String line :
        HostCommands.must("ip", "-4", "-o", "route", "show", "table", "all").split("\n")) {
      String[] words = line.strip().split("\\s+");
      int at =
          words.length > 0 && (words[0].equals("local") || words[0].equals("broadcast")) ? 1 : 0;
      if (words.length <= at || !words[at].matches("\\d+\\.\\d+\\.\\d+\\.\\d+(/\\d+)?")) continue;
      String[] cidr = words[at].split("/");
      routes.add(new long[] {address(cidr[0]), cidr.length == 2 ? Integer.parseInt(cidr[1]) : 32});
    }
    return routes;
  }

  private static boolean overlaps(long a, int aLength, long b, int bLength) {
    int shorter = Math.min(aLength, bLength);
    long mask = shorter == 0 ? 0 : (0xFFFFFFFFL << (32 - shorter)) & 0xFFFFFFFFL;
    return (a & mask) == (b & mask);
  }

  private static long address(String dotted) {
    long value = 0;
    for (String octet : dotted.split("\\.")) value = (value << 8) | Integer.parseInt(octet);
    return value;
  }
}
