package io.pier.node.runtime.docker;

import io.pier.node.sandbox.SandboxDriver;
import io.pier.node.sandbox.SandboxDriverContract;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;

/** The Docker driver keeps the sandbox contract against the real dockerd, in its default runtime. */
class DockerSandboxDriverIT extends SandboxDriverContract {
  private static final String IMAGE = "pier-runner-node:latest";

  private final String nodeId = "it-" + UUID.randomUUID().toString().substring(0, 8);
  private DockerContainerRuntime engine;
  private DockerSandboxDriver driver;

  @BeforeEach
  void openDriver() {
    engine = new DockerContainerRuntime(new DockerConfig(null));
    driver =
        new DockerSandboxDriver(
            engine, new DockerSandboxDriver.Settings(nodeId, "127.0.0.1", null));
  }

  /** Also whatever a failed test left: every container of this test's node. */
  @Override
  protected void release() throws Exception {
    for (ContainerInfo c : engine.list(DockerLabels.ofNode(nodeId))) engine.remove(c.id());
    driver.close();
  }

  @Override
  protected SandboxDriver driver() {
    return driver;
  }

  @Override
  protected String image() {
    return IMAGE;
  }
}
