package io.pier.node.pool;

/** Makes and throws away the node's spares: the pool's mechanism, which the pool's policy drives. Every call blocks. */
public interface SpareFactory {

  /**
   * Creates and starts a spare sandbox with an empty workspace; on failure nothing of it is left.
   *
   * @throws RuntimeException when it cannot be made (image missing, engine error, no disk)
   */
  Spare make(PoolKey key);

  /** Removes a spare's sandbox and workspace. No error when they are gone. */
  void discard(Spare spare);
}
