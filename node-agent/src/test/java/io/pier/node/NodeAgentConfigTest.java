package io.pier.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.config.ConfigException;
import io.pier.common.config.Env;
import io.pier.node.limits.SessionLimits;
import io.pier.node.pool.PoolSettings;
import io.pier.node.runtime.Cidr;
import io.pier.node.runtime.EgressAllow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeAgentConfigTest {
  @TempDir Path data;

  private NodeAgentConfig config(Map<String, String> extra) {
    Map<String, String> vars =
        new HashMap<>(
            Map.of(
                "PIER_NODE_DATA",
                data.toString(),
                "PIER_NODE_ID",
                "n1",
                "PIER_AUTH_SECRET",
                "a-secret-of-enough-length-for-tests",
                "PIER_S3_ENDPOINT",
                "http://127.0.0.1:9000",
                "PIER_S3_ACCESS_KEY",
                "k",
                "PIER_S3_SECRET_KEY",
                "s"));
    vars.putAll(extra);
    return NodeAgentConfig.fromEnv(new Env(vars));
  }

  @Test
  void workspacesGetAGibibyteAndTheEnginesRuntimesByDefault() {
    NodeAgentConfig config = config(Map.of());
    assertEquals(1024, config.diskMb());
    assertEquals(Map.of(), config.runtimes());
  }

  @Test
  void readsTheDefaultWorkspaceSizeAndTheRuntimeMapping() {
    NodeAgentConfig config =
        config(
            Map.of(
                "PIER_NODE_DISK_MB", "0", "PIER_NODE_RUNTIMES", "default=runsc, runsc=runsc-kvm"));
    assertEquals(0, config.diskMb());
    assertEquals(Map.of("default", "runsc", "runsc", "runsc-kvm"), config.runtimes());
  }

  @Test
  void replsRunInDockerUnlessTheNodeNamesAnotherDriver() {
    assertEquals("docker", config(Map.of()).driver());
    assertEquals("docker", config(Map.of("PIER_NODE_DRIVER", "docker")).driver());
  }

  @Test
  void anUnknownDriverFailsTheStartNamingTheDriversThereAre() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> config(Map.of("PIER_NODE_DRIVER", "firecracker")));
    assertTrue(
        e.getMessage().contains("PIER_NODE_DRIVER")
            && e.getMessage().contains("'firecracker'")
            && e.getMessage().contains("[docker]"),
        e.getMessage());
  }

  @Test
  void aNodeKeepsTwoSparesOfAKindAndEightInAllWithinItsMemoryByDefault() {
    PoolSettings pool = config(Map.of("PIER_NODE_MEMORY_MB", "4096")).pool();
    assertEquals(new PoolSettings(2, 8, Duration.ofMinutes(10), 4096), pool);
    assertEquals(
        false, config(Map.of("PIER_POOL_SIZE", "0")).pool().enabled(), "0 turns the pool off");
  }

  @Test
  void refusesANegativePoolSize() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> config(Map.of("PIER_POOL_SIZE", "-1")));
    assertTrue(e.getMessage().contains("PIER_POOL_SIZE"), e.getMessage());
  }

  @Test
  void refusesAWorkspaceSizeTooSmallForAFilesystem() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> config(Map.of("PIER_NODE_DISK_MB", "10")));
    assertTrue(e.getMessage().contains("PIER_NODE_DISK_MB"), e.getMessage());
  }

  @Test
  void aSandboxMayBurstAWholeQuotaByDefaultAndTheNodeCanSayLessOrNone() {
    assertEquals(1.0, config(Map.of()).docker().cpuBurst());
    assertEquals(0.25, config(Map.of("PIER_NODE_CPU_BURST", "0.25")).docker().cpuBurst());
    assertEquals(0.0, config(Map.of("PIER_NODE_CPU_BURST", "0")).docker().cpuBurst());
  }

  @Test
  void refusesACpuBurstAboveTheQuotaOrNegative() {
    for (String bad : List.of("1.5", "-0.1", "lots")) {
      ConfigException e =
          assertThrows(
              ConfigException.class, () -> config(Map.of("PIER_NODE_CPU_BURST", bad)), bad);
      assertTrue(e.getMessage().contains("PIER_NODE_CPU_BURST"), e.getMessage());
    }
  }

  @Test
  void refusesAnApiPortAmongThePortsClusterMembersLookForEachOtherOn() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> config(Map.of("PIER_NODE_PORT", "5705", "PIER_CLUSTER_PORT", "5701")));
    assertTrue(e.getMessage().contains("PIER_NODE_PORT 5705"), e.getMessage());
    assertTrue(e.getMessage().contains("PIER_CLUSTER_PORT 5701 to 5710"), e.getMessage());
    assertEquals(5711, config(Map.of("PIER_NODE_PORT", "5711")).port());
  }

  @Test
  void replsGetNoExtraEnvironmentAndNoAllowancesByDefault() {
    NodeAgentConfig config = config(Map.of());
    assertEquals(Map.of(), config.replEnv());
    assertEquals(List.of(), config.egressAllow());
  }

  @Test
  void readsTheEgressAllowListAndTheReplEnvironment() {
    NodeAgentConfig config =
        config(
            Map.of(
                "PIER_EGRESS_ALLOW",
                "10.1.2.3/32:443, 10.9.0.0/16:8000-8100",
                "PIER_REPL_ENV",
                "PIP_RETRIES=0,GOPROXY=off,EMPTY=",
                "PIER_NODE_BLOCKED_CIDRS",
                "203.0.113.7"));
    assertEquals(
        List.of(EgressAllow.parse("10.1.2.3/32:443"), EgressAllow.parse("10.9.0.0/16:8000-8100")),
        config.egressAllow());
    assertEquals(Map.of("PIP_RETRIES", "0", "GOPROXY", "off", "EMPTY", ""), config.replEnv());
    assertEquals(List.of(Cidr.parse("203.0.113.7/32")), config.blocked());
  }

  @Test
  void refusesABadAllowanceBlockOrEnvironmentAtStartWithTheSettingsName() {
    Map<String, String> bad =
        Map.of(
            "PIER_EGRESS_ALLOW",
            "mirror.internal:443",
            "PIER_NODE_BLOCKED_CIDRS",
            "10.0.0.1/24",
            "PIER_REPL_ENV",
            "PIP_RETRIES");
    ConfigException e = assertThrows(ConfigException.class, () -> config(bad));
    for (String name : bad.keySet()) assertTrue(e.getMessage().contains(name), e.getMessage());
    for (String env : new String[] {"1X=a", "PORT=80", "A=1,A=2", "=x"}) {
      ConfigException refused =
          assertThrows(ConfigException.class, () -> config(Map.of("PIER_REPL_ENV", env)), env);
      assertTrue(refused.getMessage().contains("PIER_REPL_ENV"), refused.getMessage());
    }
  }

  @Test
  void refusesARuntimeMappingThatIsNotNamePairs() {
    for (String bad : new String[] {"runsc", "=runsc", "default=", "a b=c", "runsc=x,runsc=y"}) {
      ConfigException e =
          assertThrows(ConfigException.class, () -> config(Map.of("PIER_NODE_RUNTIMES", bad)), bad);
      assertTrue(e.getMessage().contains("PIER_NODE_RUNTIMES"), e.getMessage());
    }
  }

  @Test
  void sessionLimitsHaveDefaultsAndAreRead() {
    assertEquals(SessionLimits.DEFAULT, config(Map.of()).sessions());
    var limits =
        config(
                Map.of(
                    "PIER_NODE_MAX_SESSIONS",
                    "300",
                    "PIER_REPL_MAX_SESSIONS",
                    "12",
                    "PIER_REPL_MAX_TERMINALS",
                    "4",
                    "PIER_SESSION_MAX_IN_FLIGHT",
                    "16",
                    "PIER_SESSION_MAX_IN_FLIGHT_MB",
                    "8",
                    "PIER_SESSION_SLOW_READER_KB",
                    "512",
                    "PIER_NODE_FILE_THREADS",
                    "3",
                    "PIER_NODE_FILE_QUEUE",
                    "20",
                    "PIER_NODE_FILE_TIMEOUT_MS",
                    "2500"))
            .sessions();
    assertEquals(
        new SessionLimits(300, 12, 4, 16, 8L << 20, 512L << 10, 3, 20, Duration.ofMillis(2500)),
        limits);
  }

  @Test
  void refusesSessionLimitsOutOfRange() {
    Map<String, String> bad =
        Map.of(
            "PIER_NODE_MAX_SESSIONS",
            "0",
            "PIER_REPL_MAX_TERMINALS",
            "256",
            "PIER_SESSION_MAX_IN_FLIGHT",
            "-1",
            "PIER_NODE_FILE_THREADS",
            "many",
            "PIER_NODE_FILE_QUEUE",
            "0",
            "PIER_NODE_FILE_TIMEOUT_MS",
            "5",
            "PIER_SESSION_SLOW_READER_KB",
            "1");
    ConfigException e = assertThrows(ConfigException.class, () -> config(bad));
    for (String name : bad.keySet())
      assertTrue(e.getMessage().contains(name), name + " in: " + e.getMessage());
  }

  @Test
  void refusesMoreSessionsPerReplThanPerNode() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> config(Map.of("PIER_NODE_MAX_SESSIONS", "10", "PIER_REPL_MAX_SESSIONS", "20")));
    assertTrue(e.getMessage().contains("PIER_REPL_MAX_SESSIONS"), e.getMessage());
  }

  @Test
  void anImageSetFileIsReadAndAMalformedOneStopsTheStart() throws Exception {
    String ref = "127.0.0.1:5000/pier-runner-python@sha256:" + "c0".repeat(32);
    Path file =
        Files.writeString(
            data.resolve("images.json"), "{\"pier-runner-python:latest\": \"" + ref + "\"}");
    NodeAgentConfig config =
        config(Map.of("PIER_IMAGE_SET", file.toString(), "PIER_IMAGE_PULL_TIMEOUT_S", "120"));
    assertEquals(ref, config.images().set().resolve("pier-runner-python:latest"));
    assertEquals(Duration.ofSeconds(120), config.images().pullTimeout());
    assertTrue(config(Map.of()).images().set().isEmpty(), "no image set unless one is configured");

    Files.writeString(file, "{\"pier-runner-python:latest\": \"pier-runner-python:latest\"}");
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> config(Map.of("PIER_IMAGE_SET", file.toString())));
    assertTrue(
        e.getMessage().contains("PIER_IMAGE_SET") && e.getMessage().contains("by digest"),
        e.getMessage());
  }
}
