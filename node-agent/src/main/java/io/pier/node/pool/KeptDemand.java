package io.pier.node.pool;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's demand as it outlives an agent: what an earlier agent of this node kept is taken up into {@link PoolDemand}
 * at start, and the recent demand is kept again whenever it changed ({@link DemandStore}).
 */
final class KeptDemand {
  private static final Logger LOG = LoggerFactory.getLogger(KeptDemand.class);

  private final DemandStore store;
  private final PoolDemand demand;
  private Map<PoolKey, List<Long>> saved = Map.of(); // guarded by this

  KeptDemand(DemandStore store, PoolDemand demand) {
    this.store = store;
    this.demand = demand;
  }

  /** Takes up the demand an earlier agent kept; returns the kinds started in the window since. */
  Set<PoolKey> takeUp() {
    Map<PoolKey, List<Long>> kept;
    try {
      kept = store.load();
    } catch (RuntimeException e) {
      LOG.warn("the pool's demand could not be read: {}", e.getMessage());
      return Set.of();
    }
    kept.forEach(demand::remember);
    return demand.recent().keySet();
  }

  /** Keeps the recent demand when it changed since it was last kept. Blocking. */
  synchronized void save() {
    Map<PoolKey, List<Long>> recent = demand.recent();
    if (recent.equals(saved)) return;
    try {
      store.save(recent);
      saved = recent;
    } catch (RuntimeException e) {
      LOG.warn("the pool's demand could not be kept: {}", e.getMessage());
    }
  }
}
