package io.pier.node.session;

/** When a search must stop, checked cheaply: the clock is read once every few thousand ticks. */
final class SearchDeadline {
  /** Thrown from deep inside a walk or a match to end the search with what it found. */
  static final class Passed extends RuntimeException {
    Passed() {
      super(null, null, false, false);
    }
  }

  private final long endNanos;
  private int ticks;

  SearchDeadline(long millis) {
    this.endNanos = System.nanoTime() + millis * 1_000_000;
  }

  void tick() {
    if ((++ticks & 0xfff) == 0) check();
  }

  void check() {
    if (System.nanoTime() - endNanos > 0) throw new Passed();
  }
}
