package io.pier.node.limits;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the IDE sessions open on this node, per repl and in all, against their limits. A session takes its slot
 * before its WebSocket upgrade and gives it back exactly once, however it ends; a full count refuses the upgrade.
 */
public final class SessionSlots {
  /** Which limit refused a session. */
  public enum Scope {
    NODE("node"),
    REPL("repl");

    private final String label;

    Scope(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** No slot: the limit of {@code scope}, {@code max} sessions, is reached. */
  public static final class Refused extends Exception {
    private final Scope scope;
    private final int max;

    Refused(Scope scope, int max) {
      super(
          "this " + scope.label() + " has " + max + " IDE sessions open, its limit",
          null,
          false,
          false);
      this.scope = scope;
      this.max = max;
    }

    public Scope scope() {
      return scope;
    }

    public int max() {
      return max;
    }
  }

  /** One session's place in the counts; {@link #release()} gives it back, once, whoever calls it how often. */
  public final class Slot {
    private final String slug;
    private final AtomicBoolean released = new AtomicBoolean();

    private Slot(String slug) {
      this.slug = slug;
    }

    public String slug() {
      return slug;
    }

    public void release() {
      if (released.compareAndSet(false, true)) give(slug);
    }
  }

  private final int perNode;
  private final int perRepl;
  private final Map<String, Integer> bySlug = new HashMap<>();
  private int total;
  private final AtomicLong refusedNode = new AtomicLong();
  private final AtomicLong refusedRepl = new AtomicLong();

  public SessionSlots(int perNode, int perRepl) {
    if (perNode < 1 || perRepl < 1) throw new IllegalArgumentException("limits must be at least 1");
    this.perNode = perNode;
    this.perRepl = perRepl;
  }

  /** Takes a slot for a session of {@code slug}, or says which limit is reached. */
  public synchronized Slot acquire(String slug) throws Refused {
    int ofRepl = bySlug.getOrDefault(slug, 0);
    if (ofRepl >= perRepl) {
      refusedRepl.incrementAndGet();
      throw new Refused(Scope.REPL, perRepl);
    }
    if (total >= perNode) {
      refusedNode.incrementAndGet();
      throw new Refused(Scope.NODE, perNode);
    }
    bySlug.put(slug, ofRepl + 1);
    total++;
    return new Slot(slug);
  }

  private synchronized void give(String slug) {
    int left = bySlug.getOrDefault(slug, 0) - 1;
    if (left <= 0) {
      bySlug.remove(slug);
    } else {
      bySlug.put(slug, left);
    }
    total--;
  }

  /** Slots held now, all repls together. */
  public synchronized int used() {
    return total;
  }

  /** Slots held now by sessions of {@code slug}. */
  public synchronized int used(String slug) {
    return bySlug.getOrDefault(slug, 0);
  }

  /** Repls with at least one slot held. */
  public synchronized int repls() {
    return bySlug.size();
  }

  public int perNode() {
    return perNode;
  }

  public int perRepl() {
    return perRepl;
  }

  public long refused(Scope scope) {
    return scope == Scope.NODE ? refusedNode.get() : refusedRepl.get();
  }
}
