package io.pier.scheduler.placement;

import io.pier.common.cluster.ClusterState.Reservations;
import io.pier.common.node.NodeInfo;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * This scheduler's copy of the fleet as placement sees it: every {@code pier.nodes} entry with its unconfirmed
 * {@code pier.reservations} added to its load, kept current by the maps' change events ({@link NodeTableFeed}). A
 * placement reads it by index, without a network read and without copying the fleet: at 10,000 nodes reading the
 * maps per start cost more than the placement itself.
 *
 * <p>Writers (the events, one at a time) take the table's lock; readers take none. The nodes sit in an array that
 * grows by doubling, published with its length as one {@link Snapshot}: a heartbeat replaces its node's element in
 * place, a new node is appended, a removed node's place is taken by the last one. A reader holding an older snapshot
 * may meet a node twice, a removed node, or an empty element (placement skips it); it never meets a half-made one.
 * What it reads is at most an event old, like any heartbeat: {@link NodeRoom#reserve} re-checks the room atomically.
 */
public final class NodeTable {
  /** What the table knows of one node id: its last heartbeat, its reservations, and where it sits. */
  private static final class Entry {
    NodeInfo reported;
    Reservations pending;
    int index = -1;
  }

  /** The first {@code size} elements of {@code nodes} are the fleet. */
  private record Snapshot(AtomicReferenceArray<NodeInfo> nodes, int size) {}

  private final Map<String, Entry> byId = new HashMap<>();
  private final List<String> idAt = new ArrayList<>();
  private volatile Snapshot snapshot = new Snapshot(new AtomicReferenceArray<>(16), 0);

  /** Ids changed by an event, by the number of that change: a full read begun before must not undo it. */
  private final Map<String, Long> changedAt = new HashMap<>();

  private long changes;

  /** Whether a full read has been taken in: before it, the table may hold only the nodes that changed since. */
  private volatile boolean loaded;

  /** The fleet now, read by index; it does not change under the caller except node by node (see above). */
  public List<NodeInfo> nodes() {
    Snapshot now = snapshot;
    return new View(now.nodes, now.size);
  }

  public int size() {
    return snapshot.size;
  }

  /** True once a full read of the maps has been taken in ({@link #load}): from then on the table is the fleet. */
  public boolean loaded() {
    return loaded;
  }

  /** A node's heartbeat changed; {@code node} is null when its entry is gone. */
  public synchronized void nodeChanged(String nodeId, NodeInfo node) {
    changedAt.put(nodeId, ++changes);
    setReported(nodeId, node);
  }

  /** A node's reservations changed; {@code pending} is null when it has none left. */
  public synchronized void reservationsChanged(String nodeId, Reservations pending) {
    changedAt.put(nodeId, ++changes);
    setPending(nodeId, pending);
  }

  /** How many changes events have brought so far: where a full read begins. */
  public synchronized long changeCount() {
    return changes;
  }

  /**
   * Takes in a full read of both maps begun after change {@code since}: ids an event changed later keep what the
   * event said, so a read begun before a node left does not bring it back.
   */
  public synchronized void load(
      Map<String, NodeInfo> nodes, Map<String, Reservations> reservations, long since) {
    for (String id : new ArrayList<>(byId.keySet())) {
      if (!nodes.containsKey(id) && !reservations.containsKey(id) && !changedSince(id, since)) {
        setReported(id, null);
        setPending(id, null);
      }
    }
    nodes.forEach(
        (id, node) -> {
          if (!changedSince(id, since)) setReported(id, node);
        });
    for (String id : new ArrayList<>(byId.keySet())) {
      if (!changedSince(id, since)) setPending(id, reservations.get(id));
    }
    reservations.forEach(
        (id, pending) -> {
          if (!changedSince(id, since)) setPending(id, pending);
        });
    changedAt.values().removeIf(change -> change <= since);
    loaded = true;
  }

  private boolean changedSince(String id, long since) {
    Long change = changedAt.get(id);
    return change != null && change > since;
  }

  private void setReported(String id, NodeInfo node) {
    Entry entry = byId.computeIfAbsent(id, x -> new Entry());
    entry.reported = node;
    place(id, entry);
  }

  private void setPending(String id, Reservations pending) {
    Entry entry = byId.get(id);
    if (entry == null) {
      if (pending == null) return;
      entry = new Entry();
      byId.put(id, entry);
    }
    entry.pending = pending;
    place(id, entry);
  }

  /** Puts the entry's view into the array, appends it, or takes it out, as its heartbeat says. */
  private void place(String id, Entry entry) {
    Snapshot now = snapshot;
    if (entry.reported == null) {
      if (entry.index >= 0) removeAt(entry.index, now);
      entry.index = -1;
      if (entry.pending == null) byId.remove(id);
      return;
    }
    NodeInfo view = NodeRoom.withPending(entry.reported, entry.pending);
    if (entry.index >= 0) {
      now.nodes.set(entry.index, view);
      return;
    }
    AtomicReferenceArray<NodeInfo> nodes = now.nodes;
    if (now.size == nodes.length()) {
      nodes = new AtomicReferenceArray<>(now.size * 2);
      for (int i = 0; i < now.size; i++) nodes.set(i, now.nodes.get(i));
    }
    nodes.set(now.size, view);
    entry.index = now.size;
    idAt.add(id);
    snapshot = new Snapshot(nodes, now.size + 1);
  }

  /** The last node takes the removed one's place, so the array stays dense. */
  private void removeAt(int index, Snapshot now) {
    int last = now.size - 1;
    String moved = idAt.get(last);
    if (index != last) {
      now.nodes.set(index, now.nodes.get(last));
      idAt.set(index, moved);
      byId.get(moved).index = index;
    }
    idAt.remove(last);
    snapshot = new Snapshot(now.nodes, last);
    // Cleared after the smaller size is published: readers of the old snapshot may meet null, never
    // a stale node
    // in the place of a new one.
    now.nodes.set(last, null);
  }

  /** A read-only list over one snapshot: no copy. */
  private static final class View extends AbstractList<NodeInfo> implements RandomAccess {
    private final AtomicReferenceArray<NodeInfo> nodes;
    private final int size;

    View(AtomicReferenceArray<NodeInfo> nodes, int size) {
      this.nodes = nodes;
      this.size = size;
    }

    @Override
    public NodeInfo get(int index) {
      if (index < 0 || index >= size) throw new IndexOutOfBoundsException(index);
      return nodes.get(index);
    }

    @Override
    public int size() {
      return size;
    }
  }
}
