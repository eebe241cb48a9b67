package io.pier.node.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pier.common.repl.Limits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemandFileTest {
  private static final PoolKey NODE_KIND =
      new PoolKey("pier-runner-node:latest", 3000, new Limits(0.5, 256, 128), null);
  private static final PoolKey GVISOR_KIND =
      new PoolKey(
          "pier-runner-python:latest", 8000, new Limits(1, 512, 256, 128, "runsc"), "runsc");

  @TempDir Path dir;

  @Test
  void whatIsSavedIsWhatTheNextAgentLoads() {
    DemandFile file = new DemandFile(dir.resolve("node").resolve("pool-demand.json"));
    Map<PoolKey, List<Long>> starts = Map.of(NODE_KIND, List.of(1L, 2L), GVISOR_KIND, List.of(3L));

    file.save(starts);

    assertEquals(starts, new DemandFile(dir.resolve("node").resolve("pool-demand.json")).load());
  }

  @Test
  void noFileIsNoDemand() {
    assertEquals(Map.of(), new DemandFile(dir.resolve("pool-demand.json")).load());
  }

  @Test
  void aTornFileIsNoDemand() throws IOException {
    Path path = dir.resolve("pool-demand.json");
    Files.writeString(path, "{\"kinds\":[{\"image\":\"pier-runner-node:lat");

    assertEquals(Map.of(), new DemandFile(path).load());
  }

  @Test
  void aKindThatCannotBeReadIsLeftOutAndTheOthersAreRead() throws IOException {
    Path path = dir.resolve("pool-demand.json");
    DemandFile file = new DemandFile(path);
    file.save(Map.of(NODE_KIND, List.of(5L)));
    String saved = Files.readString(path);
    Files.writeString(
        path,
        saved.replace(
            "\"kinds\":[",
            "\"kinds\":[{\"image\":\"x\",\"port\":1,\"limits\":{\"cpus\":0,\"memoryMb\":1,\"pids\":1},"
                + "\"starts\":[1]},{\"image\":\"y\",\"port\":\"three\"},"));

    assertEquals(Map.of(NODE_KIND, List.of(5L)), file.load());
  }

  @Test
  void aFileLargerThanAnyDemandIsNotRead() throws IOException {
    Path path = dir.resolve("pool-demand.json");
    Files.writeString(
        path, "{\"kinds\":[]," + "\"pad\":\"" + "x".repeat((int) DemandFile.MAX_BYTES) + "\"}");

    assertEquals(Map.of(), new DemandFile(path).load());
  }
}
