package io.pier.node.sandbox;

import io.pier.node.runtime.TtyProcess;

/** A terminal process for tests: prints nothing, takes any input and ends only when closed. */
public final class IdleTty implements TtyProcess {
  @Override
  public boolean write(byte[] input) {
    return true;
  }

  @Override
  public void resize(int cols, int rows) {}

  @Override
  public void close() {}
}
