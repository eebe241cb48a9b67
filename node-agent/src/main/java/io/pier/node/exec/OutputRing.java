package io.pier.node.exec;

import io.pier.node.runtime.PipedProcess;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A background process's latest output, both streams in order, at most a bound (the oldest chunks go first), and
 * the readers that follow it live. It never holds the process back: a reader that cannot keep up misses output and
 * is told how much ({@link OutputReader}). What it keeps counts in the node's buffered output.
 */
final class OutputRing implements ExecOutput {
  /** One chunk as it came. */
  record Chunk(PipedProcess.Stream stream, byte[] data) {}

  /** Follows the output live. Called on the runtime's thread: must not block. */
  interface Follower {
    void chunk(Chunk chunk);

    void ended(ExecProcess process);
  }

  private final int capacity;
  private final AtomicLong buffered;
  private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
  private final List<Follower> followers = new CopyOnWriteArrayList<>();
  private long size;
  private long dropped;
  private ExecProcess ended;

  OutputRing(int capacity, AtomicLong buffered) {
    this.capacity = capacity;
    this.buffered = buffered;
  }

  @Override
  public void output(PipedProcess.Stream stream, byte[] data) {
    Chunk chunk = new Chunk(stream, data);
    synchronized (this) {
      chunks.addLast(chunk);
      size += data.length;
      buffered.addAndGet(data.length);
      while (size > capacity && chunks.size() > 1) {
        Chunk oldest = chunks.removeFirst();
        size -= oldest.data().length;
        dropped += oldest.data().length;
        buffered.addAndGet(-oldest.data().length);
      }
      for (Follower f : followers) f.chunk(chunk);
    }
  }

  @Override
  public void ended(ExecProcess process) {
    synchronized (this) {
      ended = process;
      for (Follower f : followers) f.ended(process);
      followers.clear();
    }
  }

  /**
   * What is kept now, then everything that follows, to {@code follower} (without a gap between the two).
   *
   * @return the chunks kept now; {@code follower} hears of the end, if it has ended already, before this returns
   */
  synchronized List<Chunk> follow(Follower follower) {
    List<Chunk> kept = new ArrayList<>(chunks);
    if (ended != null) {
      follower.ended(ended);
    } else {
      followers.add(follower);
    }
    return kept;
  }

  synchronized void unfollow(Follower follower) {
    followers.remove(follower);
  }

  /** Bytes that fell out of the ring so far. */
  synchronized long dropped() {
    return dropped;
  }

  /** Frees what is kept: the process left the list. */
  synchronized void discard() {
    buffered.addAndGet(-size);
    size = 0;
    chunks.clear();
  }
}
