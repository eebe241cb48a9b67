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
          "{\"event\":\"keepalive\"}",
          "{\"event\":\"doc.update\",\"path\":\"a.txt\",\"version\":3,"
              + "\"updates\":[{\"clientID\":\"k3x\",\"changes\":[5,[0,\"x\",\"y\"],[2],4]}]}",
          "{\"event\":\"doc.gone\",\"path\":\"a.txt\"}",
          "{\"event\":\"presence\",\"users\":[{\"session\":\"s1\",\"user\":\"bob\",\"color\":\"#3e63dd\","
              + "\"path\":\"a.txt\",\"selection\":{\"version\":3,\"ranges\":[{\"anchor\":1,\"head\":4}]}}]}",
          "{\"id\":8,\"ok\":true,\"path\":\"a.txt\",\"doc\":\"9f2c01ab\",\"version\":0,\"text\":\"x\"}"
        }) {
      assertEquals(Optional.empty(), schema.problemWithServerMessage(json(frame)), frame);
    }
    for (String request :
        new String[] {
          "{\"id\":1,\"op\":\"doc.open\",\"path\":\"a.txt\",\"version\":4,\"doc\":\"9f2c01ab\"}",
          "{\"id\":2,\"op\":\"doc.push\",\"path\":\"a.txt\",\"version\":4,"
              + "\"updates\":[{\"clientID\":\"k3x\",\"changes\":[[0,\"a\"],1]}]}",
          "{\"id\":3,\"op\":\"doc.flush\",\"path\":\"a.txt\"}",
          "{\"id\":4,\"op\":\"doc.close\",\"path\":\"a.txt\"}",
          "{\"id\":5,\"op\":\"presence\",\"path\":\"a.txt\",\"selection\":{\"ranges\":[{\"anchor\":0,\"head\":0}]}}"
        }) {
      assertEquals(Optional.empty(), schema.problemWithRequest(json(request)), request);
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
          "{\"event\":\"term.exit\",\"term\":0}",
          "{\"event\":\"doc.update\",\"path\":\"a.txt\",\"version\":1,\"updates\":[{\"changes\":[1]}]}",
          "{\"event\":\"presence\",\"users\":[{\"session\":\"s1\",\"user\":\"bob\",\"color\":\"red\"}]}"
        }) {
      assertTrue(schema.problemWithServerMessage(json(frame)).isPresent(), frame);
    }
    assertTrue(schema.problemWithRequest(json("{\"id\":1,\"op\":\"fs.read\"}")).isPresent());
    assertTrue(schema.problemWithRequest(json("{\"id\":1,\"op\":\"fs.explode\"}")).isPresent());
    assertTrue(
        schema
            .problemWithRequest(
                json("{\"id\":1,\"op\":\"doc.push\",\"path\":\"a\",\"version\":0,\"updates\":[]}"))
            .isPresent());
  }
}
