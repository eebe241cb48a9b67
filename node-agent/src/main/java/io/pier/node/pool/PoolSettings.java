package io.pier.node.pool;

import java.time.Duration;

/**
 * How large the node's pools of spares may grow.
 *
 * @param perKey     at most this many spares of one kind (one template's image, port and limits); 0 turns pooling off
 * @param total      at most this many spares on the node, of all kinds together
 * @param window     how far back starts count as demand: a kind gets as many spares as it had starts in the window, up
 *                   to {@code perKey}, and none once nobody started one in the window
 * @param capacityMb the node's memory for repls (PIER_NODE_MEMORY_MB); spares only take what running repls leave
 */
public record PoolSettings(int perKey, int total, Duration window, long capacityMb) {
  public static final PoolSettings OFF = new PoolSettings(0, 0, Duration.ofMinutes(10), 0);

  public PoolSettings {
    if (perKey < 0 || total < 0)
      throw new IllegalArgumentException("pool sizes cannot be negative");
    if (window.isNegative() || window.isZero())
      throw new IllegalArgumentException("the demand window must be positive");
  }

  public boolean enabled() {
    return perKey > 0 && total > 0;
  }

  public PoolSettings withCapacityMb(long mb) {
    return new PoolSettings(perKey, total, window, mb);
  }
}
