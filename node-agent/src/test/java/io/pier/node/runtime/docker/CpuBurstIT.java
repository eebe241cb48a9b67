package io.pier.node.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pier.common.repl.Limits;
import io.pier.node.runtime.CpuBurst;
import io.pier.node.runtime.cgroup.CgroupCpuBurst;
import io.pier.node.sandbox.SandboxSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sandbox started by the Docker driver gets its CPU burst from the node, and uses it: seen from inside the container,
 * as the repl's own processes would see it.
 */
class CpuBurstIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** Half a core: a quota of 50 ms every 100 ms. */
  private static final Limits HALF_A_CORE = new Limits(0.5, 256, 128);

  /** The container's own CPU cgroup, under cgroup v1 or v2. */
  private static final String BURST_FILE =
      "$(ls /sys/fs/cgroup/cpu/cpu.cfs_burst_us /sys/fs/cgroup/cpu.max.burst 2>/dev/null | head -1)";

  private static final String STAT_FILE =
      "$(ls /sys/fs/cgroup/cpu/cpu.stat /sys/fs/cgroup/cpu.stat 2>/dev/null | head -1)";

  private final String nodeId = "it-" + UUID.randomUUID().toString().substring(0, 8);
  @TempDir Path workspace;
  private DockerContainerRuntime engine;

  @BeforeEach
  void openEngine() {
    engine = new DockerContainerRuntime(new DockerConfig(null));
  }

  @AfterEach
  void removeContainers() throws Exception {
    for (ContainerInfo c : engine.list(DockerLabels.ofNode(nodeId))) engine.remove(c.id());
    engine.close();
  }

  @Test
  void aSandboxGetsItsQuotaAsBurstAndAnAppThatStartsAfterItIdledUsesIt() throws Exception {
    DockerSandboxDriver driver = driver(new CgroupCpuBurst(Path.of("/sys/fs/cgroup"), 1.0));
    String id = driver.start(spec()).handle().id();
    assertEquals(0, shell(driver, id, "test \"$(cat " + BURST_FILE + ")\" = 50000"));
    // Spins of 300 ms of CPU, each after a rest that lets the unused quota gather, until the
    // kernel counts a period in which the container ran past its quota.
    int bursts = 1;
    for (int spin = 0; spin < 20 && bursts != 0; spin++) {
      bursts =
          shell(
              driver,
              id,
              "sleep 0.3; node -e 'const t = Date.now(); while (Date.now() - t < 300) {}'; "
                  + "grep -q '^nr_bursts [1-9]' "
                  + STAT_FILE);
    }
    assertEquals(0, bursts, "the kernel never counted a burst");
  }

  @Test
  void withoutOneTheQuotaIsAllAPeriodGives() throws Exception {
    DockerSandboxDriver driver = driver(CpuBurst.NONE);
    String id = driver.start(spec()).handle().id();
    assertEquals(0, shell(driver, id, "test \"$(cat " + BURST_FILE + ")\" = 0"));
  }

  private DockerSandboxDriver driver(CpuBurst burst) {
    return new DockerSandboxDriver(
        engine, new DockerSandboxDriver.Settings(nodeId, "127.0.0.1", null), burst);
  }

  private int shell(DockerSandboxDriver driver, String id, String script) {
    return driver.execAndWait(id, List.of("sh", "-c", script), WAIT);
  }

  private SandboxSpec spec() {
    return new SandboxSpec(
        "burst-" + UUID.randomUUID().toString().substring(0, 8),
        "pier-runner-node:latest",
        List.of("sleep", "infinity"),
        Map.of(),
        workspace,
        0,
        HALF_A_CORE,
        null,
        Map.of());
  }
}
