package io.pier.common.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.config.Env;
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
}
