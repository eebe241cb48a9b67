package io.pier.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.config.ConfigException;
import io.pier.common.config.Env;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeAgentConfigTest {
  @TempDir
  Path data;

  private NodeAgentConfig config(Map<String, String> extra) {
    Map<String, String> vars = new HashMap<>(Map.of("PIER_NODE_DATA", data.toString(), "PIER_NODE_ID", "n1",
        "PIER_AUTH_SECRET", "a-secret-of-enough-length-for-tests", "PIER_S3_ENDPOINT", "http://127.0.0.1:9000",
        "PIER_S3_ACCESS_KEY", "k", "PIER_S3_SECRET_KEY", "s"));
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
    NodeAgentConfig config = config(Map.of("PIER_NODE_DISK_MB", "0",
        "PIER_NODE_RUNTIMES", "default=runsc, runsc=runsc-kvm"));
    assertEquals(0, config.diskMb());
    assertEquals(Map.of("default", "runsc", "runsc", "runsc-kvm"), config.runtimes());
  }

  @Test
  void refusesAWorkspaceSizeTooSmallForAFilesystem() {
    ConfigException e = assertThrows(ConfigException.class, () -> config(Map.of("PIER_NODE_DISK_MB", "10")));
    assertTrue(e.getMessage().contains("PIER_NODE_DISK_MB"), e.getMessage());
  }

  @Test
  void refusesARuntimeMappingThatIsNotNamePairs() {
    for (String bad : new String[] {"runsc", "=runsc", "default=", "a b=c", "runsc=x,runsc=y"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> config(Map.of("PIER_NODE_RUNTIMES", bad)), bad);
      assertTrue(e.getMessage().contains("PIER_NODE_RUNTIMES"), e.getMessage());
    }
  }
}
