package io.pier.edge;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts relayed WebSockets of one kind (IDE sessions, or previews' own) by repl and by user, against a limit for
 * each and one for the whole edge. A WebSocket is counted from its admission (before the edge asks the node-agent or
 * app for it) until {@link Lease#release()}, which every way a relay ends calls; releasing twice counts once.
 * Thread-safe: relays live on every event loop.
 */
final class RelayLimits {

  /** The answer to {@link #admit}: a {@link Lease} or a {@link Refusal}. */
  sealed interface Admission permits Lease, Refusal {}

  /** What a refused client is told: which limit, its value, and the status to answer with. */
  record Refusal(String limit, int max, int status, String message) implements Admission {}

  /** One admitted WebSocket's place; give it back with {@link #release()}. */
  final class Lease implements Admission {
    private final String user;
    private final String repl;
    private boolean released;

    private Lease(String user, String repl) {
      this.user = user;
      this.repl = repl;
    }

    /** Gives the place back; later calls do nothing. */
    void release() {
      synchronized (RelayLimits.this) {
        if (released) return;
        released = true;
        open--;
        decrement(byRepl, repl);
        if (user != null) decrement(byUser, user);
      }
    }
  }

  private final String what;
  private final int total;
  private final int perUser;
  private final int perRepl;
  private final Map<String, Integer> byUser = new HashMap<>();
  private final Map<String, Integer> byRepl = new HashMap<>();
  private int open;

  /**
   * @param what     what is counted, in the refusal's words ("IDE sessions")
   * @param perUser  0: not counted by user
   */
  RelayLimits(String what, int total, int perUser, int perRepl) {
    this.what = what;
    this.total = total;
    this.perUser = perUser;
    this.perRepl = perRepl;
  }

  /**
   * A lease for one more WebSocket of {@code repl} for {@code user} (null: nobody in particular), or the refusal
   * naming the first limit it would pass. The edge's own limit answers 503 (this edge is full; another may not be),
   * a user's or repl's 429 (that caller is asking too much).
   */
  synchronized Admission admit(String user, String repl) {
    if (open >= total) {
      return new Refusal(
          "edge",
          total,
          503,
          "this edge-proxy relays " + total + " " + what + " at most; try again shortly");
    }
    if (user != null && perUser > 0 && byUser.getOrDefault(user, 0) >= perUser) {
      return new Refusal(
          "user",
          perUser,
          429,
          "an account may have "
              + perUser
              + " "
              + what
              + " open at once; close one (another tab or window) first");
    }
    if (byRepl.getOrDefault(repl, 0) >= perRepl) {
      return new Refusal(
          "repl", perRepl, 429, "a repl may have " + perRepl + " " + what + " open at once");
    }
    open++;
    byRepl.merge(repl, 1, Integer::sum);
    if (user != null && perUser > 0) byUser.merge(user, 1, Integer::sum);
    return new Lease(user, repl);
  }

  synchronized int open() {
    return open;
  }

  synchronized int ofUser(String user) {
    return byUser.getOrDefault(user, 0);
  }

  synchronized int ofRepl(String repl) {
    return byRepl.getOrDefault(repl, 0);
  }

  /** How many users and repls hold counts: zero once every lease is back (no entry outlives its last lease). */
  synchronized int keys() {
    return byUser.size() + byRepl.size();
  }

  int total() {
    return total;
  }

  int perUser() {
    return perUser;
  }

  int perRepl() {
    return perRepl;
  }

  private static void decrement(Map<String, Integer> counts, String key) {
    counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }
}
