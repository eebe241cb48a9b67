package io.pier.common.cluster;

import java.util.function.Predicate;

/**
 * Who is in the cluster now. The cluster technology notices a member that dies (its connections close, its
 * heartbeats stop) within seconds; a node's own entries may outlive it until their time to live ends.
 */
public interface Membership {
  /** For maps that are not a cluster (tests, one process): everyone is a member. */
  Membership EVERYONE = of(memberId -> true);

  /** A membership outside any cluster (it has no self) whose members are those {@code isMember} accepts. */
  static Membership of(Predicate<String> isMember) {
    return new Membership() {
      @Override
      public String self() {
        return null;
      }

      @Override
      public boolean isMember(String memberId) {
        return isMember.test(memberId);
      }
    };
  }

  /** This process's member id; null when there is no cluster. */
  String self();

  boolean isMember(String memberId);

  /** How many members the cluster has now, this one included. */
  default int size() {
    return 1;
  }

  /**
   * Whether every map entry has all its backups in place, so that one member may leave now without losing data (a
   * rolling upgrade waits for this before it stops the next member).
   */
  default boolean safe() {
    return true;
  }
}
