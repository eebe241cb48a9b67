package io.pier.node.sandbox;

/** The fake the agent's fast tests run on keeps the contract the real drivers keep. */
class FakeSandboxDriverTest extends SandboxDriverContract {
  private static final String IMAGE = "pier-runner-node:latest";
  private final FakeSandboxDriver driver = new FakeSandboxDriver(IMAGE);

  @Override
  protected SandboxDriver driver() {
    return driver;
  }

  @Override
  protected String image() {
    return IMAGE;
  }
}
