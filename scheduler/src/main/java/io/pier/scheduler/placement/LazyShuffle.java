package io.pier.scheduler.placement;

import java.util.random.RandomGenerator;

/**
 * The indexes {@code 0..n-1} in a uniformly random order, drawn one at a time (a partial Fisher–Yates shuffle), so a
 * caller that stops after a few draws pays for a few draws, not for shuffling the whole fleet.
 *
 * <p>The index array is kept per thread and reused: the shuffle starts from whatever permutation the last one left,
 * which is as good as the identity (each draw picks uniformly among the indexes not drawn yet, whatever their order).
 * Reusing it is what keeps a placement from allocating and filling {@code n} ints per call.
 */
final class LazyShuffle {
  private static final ThreadLocal<int[]> ORDER = ThreadLocal.withInitial(() -> new int[0]);

  private final int[] order;
  private final RandomGenerator random;
  private int drawn;

  private LazyShuffle(int[] order, RandomGenerator random) {
    this.order = order;
    this.random = random;
  }

  /** A fresh random order of {@code 0..n-1}. Use it on the calling thread only, and one at a time. */
  static LazyShuffle of(int n, RandomGenerator random) {
    int[] order = ORDER.get();
    if (order.length != n) {
      order = new int[n];
      for (int i = 0; i < n; i++) order[i] = i;
      ORDER.set(order);
    }
    return new LazyShuffle(order, random);
  }

  boolean hasNext() {
    return drawn < order.length;
  }

  /** The next index of the order; each index comes once. */
  int next() {
    int pick = drawn + random.nextInt(order.length - drawn);
    int index = order[pick];
    order[pick] = order[drawn];
    order[drawn++] = index;
    return index;
  }
}
