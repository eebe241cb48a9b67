package io.pier.common.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class RouteTest {
  @Test
  void aRouteKeepsTheClusterMemberOfItsNodeAgentThroughJson() {
    Route route = new Route("alpha", "node-1", "10.0.0.2", 30001, "http://10.0.0.2:8082", "m-1");
    assertEquals(route, Route.fromJson(route.toJson()));
    assertEquals("m-1", route.toJson().getString("member"));
  }

  @Test
  void aRouteWrittenWithoutAMemberReadsAsNoneAndWritesNone() {
    JsonObject older =
        new JsonObject()
            .put("slug", "alpha")
            .put("node", "node-1")
            .put("host", "10.0.0.2")
            .put("port", 30001)
            .put("agentUrl", "http://10.0.0.2:8082");
    Route route = Route.fromJson(older);
    assertNull(route.memberId());
    assertFalse(route.toJson().containsKey("member"));
  }
}
