package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionSchemaTest {
  private final SessionSchema schema = SessionSchema.load();

  private static JsonObject json(String text) {
    return new JsonObject(text);
  }

  @Test
  void theFramesOfTheProtocolDocumentFit() {
    for (String frame :
        new String[] {
          "{\"id\":7,\"ok\":true,\"path\":\"src/index.js\",\"content\":\"x\",\"version\":\"9f2c\"}",
          "{\"id\":7,\"ok\":false,\"error\":\"not_found\",\"message\":\"no such file: src/index.js\"}",
          "{\"event\":\"hello\",\"protocol\":1,\"slug\":\"a-b-123456\",\"session\":\"s1\",\"open\":\"index.js\","
              + "\"terminals\":[{\"term\":1}],\"run\":{\"state\":\"running\",\"code\":null}}",
          "{\"event\":\"fs\",\"changes\":[{\"path\":\"a\",\"type\":\"file\",\"kind\":\"created\",\"version\":\"1\"}]}",
          "{\"event\":\"run\",\"state\":\"exited\",\"code\":0}",
          "{\"event\":\"term.exit\",\"term\":3,\"code\":0}",
          "{\"event\":\"keepalive\"}"
        }) {
      assertEquals(Optional.empty(), schema.problemWithServerMessage(json(frame)), frame);
    }
    assertEquals(
        Optional.empty(),
        schema.problemWithRequest(json("{\"id\":7,\"op\":\"fs.read\",\"path\":\"src/index.js\"}")));
  }

  @Test
  void framesThatBreakTheProtocolDoNot() {
    for (String frame :
        new String[] {
          "{\"id\":7,\"ok\":false}",
          "{\"event\":\"run\",\"state\":\"sleeping\"}",
          "{\"event\":\"hello\",\"protocol\":2,\"slug\":\"a\",\"session\":\"s\",\"terminals\":[],\"run\":{\"state\":\"stopped\"}}",
          "{\"event\":\"nothing-we-know\"}",
          "{\"event\":\"term.exit\",\"term\":0}"
        }) {
      assertTrue(schema.problemWithServerMessage(json(frame)).isPresent(), frame);
    }
    assertTrue(schema.problemWithRequest(json("{\"id\":1,\"op\":\"fs.read\"}")).isPresent());
    assertTrue(schema.problemWithRequest(json("{\"id\":1,\"op\":\"fs.explode\"}")).isPresent());
  }
}
