package io.pier.common.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeInfoTest {
  private static final Instant AT = Instant.parse("2024-05-01T10:00:00Z");

  @Test
  void roundTripsThroughJsonWithItsRuntimes() {
    NodeInfo node =
        new NodeInfo(
            "n1",
            "http://10.0.0.1:8082",
            new NodeCapacity(50, 8192, 4),
            NodeLoad.EMPTY,
            false,
            List.of("pier-runner-node:latest"),
            AT,
            "member-1",
            List.of("runc", "runsc"));
    assertEquals(node, NodeInfo.fromJson(new JsonObject(node.toJson().encode())));
  }

  @Test
  void aHeartbeatWithoutRuntimesOffersNone() {
    NodeInfo node =
        new NodeInfo(
            "n1",
            "http://10.0.0.1:8082",
            new NodeCapacity(50, 8192, 4),
            NodeLoad.EMPTY,
            false,
            List.of(),
            AT,
            "member-1");
    JsonObject older = node.toJson();
    older.remove("runtimes");
    assertEquals(List.of(), NodeInfo.fromJson(older).runtimes());
  }
}
