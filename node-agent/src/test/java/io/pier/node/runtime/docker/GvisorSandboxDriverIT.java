package io.pier.node.runtime.docker;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

/**
 * The Docker driver keeps the sandbox contract with its sandboxes in gVisor. Needs runsc registered with dockerd
 * ({@code docker info} lists it); skipped otherwise.
 */
class GvisorSandboxDriverIT extends DockerSandboxDriverIT {
  private static final String RUNSC = "runsc";

  @BeforeAll
  static void needsGvisor() throws Exception {
    try (DockerContainerRuntime docker = new DockerContainerRuntime(new DockerConfig(null))) {
      assumeTrue(
          docker.runtimes().contains(RUNSC),
          "dockerd has no runsc runtime: install gVisor and register it");
    }
  }

  @Override
  protected String runtime() {
    return RUNSC;
  }
}
