package io.pier.node.pool;

import java.util.List;
import java.util.Map;

/**
 * Where a node keeps its pool's recent demand while its agent restarts (an upgrade, a crash), so that the new agent
 * makes the spares the old one held instead of waiting for starts to miss again.
 */
public interface DemandStore {
  /** The start times (epoch milliseconds) of each kind last saved; empty when there are none. */
  Map<PoolKey, List<Long>> load();

  /** Replaces what is kept with these start times of each kind. */
  void save(Map<PoolKey, List<Long>> starts);
}
