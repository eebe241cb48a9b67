package io.pier.common.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.config.Env;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {
  @Test
  void mapsKeepTwoBackupsUnlessToldOtherwise() {
    Env env = new Env(Map.of());
    assertEquals(2, ClusterConfig.fromEnv(env, false).backups());
    env.check();
  }

  @Test
  void theBackupCountComesFromTheEnvironment() {
    Env env = new Env(Map.of("PIER_CLUSTER_BACKUPS", "3"));
    assertEquals(3, ClusterConfig.fromEnv(env, false).backups());
    env.check();
  }

  @Test
  void aBackupCountHazelcastCannotKeepIsAConfigurationError() {
    for (String wrong : new String[] {"0", "7", "two"}) {
      Env env = new Env(Map.of("PIER_CLUSTER_BACKUPS", wrong));
      ClusterConfig.fromEnv(env, false);
      RuntimeException problem = assertThrows(RuntimeException.class, env::check, wrong);
      assertTrue(problem.getMessage().contains("PIER_CLUSTER_BACKUPS"), problem.getMessage());
    }
  }

  @Test
  void aServicePortAmongTheTenJoinPortsIsAConfigurationErrorNamingBoth() {
    ClusterConfig cluster = new ClusterConfig("c", List.of("127.0.0.1"), "127.0.0.1", 5701, false);
    for (int port : new int[] {5701, 5710}) {
      Env env = new Env(Map.of());
      cluster.checkNotAJoinPort(env, "PIER_SCHEDULER_PORT", port);
      RuntimeException problem = assertThrows(RuntimeException.class, env::check);
      assertTrue(
          problem.getMessage().contains("PIER_SCHEDULER_PORT " + port), problem.getMessage());
      assertTrue(problem.getMessage().contains("5701 to 5710"), problem.getMessage());
    }
    for (int port : new int[] {5700, 5711, 8081}) {
      Env env = new Env(Map.of());
      cluster.checkNotAJoinPort(env, "PIER_SCHEDULER_PORT", port);
      env.check();
    }
  }
}
