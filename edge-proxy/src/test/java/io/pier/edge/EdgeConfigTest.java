package io.pier.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.config.ConfigException;
import io.pier.common.config.Env;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EdgeConfigTest {
  private static EdgeConfig config(Map<String, String> extra) {
    Map<String, String> env =
        new HashMap<>(Map.of("PIER_AUTH_SECRET", "a-secret-long-enough-for-tests"));
    env.putAll(extra);
    return EdgeConfig.fromEnv(new Env(env));
  }

  @Test
  void limitsPoolsAndTimeoutsHaveChosenDefaults() {
    EdgeConfig.Capacity c = config(Map.of()).capacity();
    assertEquals(EdgeConfig.Capacity.defaults(), c);
    assertEquals(20, c.sessionsPerUser());
    assertEquals(Duration.ofSeconds(300), c.idleTimeout());
  }

  @Test
  void limitsPoolsAndTimeoutsAreReadFromTheEnvironment() {
    EdgeConfig.Capacity c =
        config(
                Map.ofEntries(
                    Map.entry("PIER_EDGE_MAX_SESSIONS", "600"),
                    Map.entry("PIER_EDGE_MAX_SESSIONS_PER_USER", "500"),
                    Map.entry("PIER_EDGE_MAX_SESSIONS_PER_REPL", "60"),
                    Map.entry("PIER_EDGE_MAX_PREVIEW_SOCKETS", "300"),
                    Map.entry("PIER_EDGE_MAX_PREVIEW_SOCKETS_PER_REPL", "30"),
                    Map.entry("PIER_EDGE_PREVIEW_POOL", "8"),
                    Map.entry("PIER_EDGE_PREVIEW_QUEUE", "0"),
                    Map.entry("PIER_EDGE_API_POOL", "4"),
                    Map.entry("PIER_EDGE_API_QUEUE", "16"),
                    Map.entry("PIER_EDGE_SANDBOX_POOL", "64"),
                    Map.entry("PIER_EDGE_SANDBOX_QUEUE", "8"),
                    Map.entry("PIER_EDGE_CONNECT_TIMEOUT_MS", "1500"),
                    Map.entry("PIER_EDGE_UPGRADE_TIMEOUT_S", "7"),
                    Map.entry("PIER_EDGE_RESPONSE_TIMEOUT_S", "30"),
                    Map.entry("PIER_EDGE_IDLE_TIMEOUT_S", "90")))
            .capacity();
    assertEquals(
        new EdgeConfig.Capacity(
            600,
            500,
            60,
            300,
            30,
            8,
            0,
            4,
            16,
            64,
            8,
            Duration.ofMillis(1500),
            Duration.ofSeconds(7),
            Duration.ofSeconds(30),
            Duration.ofSeconds(90)),
        c);
  }

  @Test
  void badValuesFailTheStartNamingEachOne() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                config(
                    Map.of(
                        "PIER_EDGE_MAX_SESSIONS",
                        "lots",
                        "PIER_EDGE_MAX_SESSIONS_PER_REPL",
                        "0",
                        "PIER_EDGE_PREVIEW_QUEUE",
                        "-1",
                        "PIER_EDGE_IDLE_TIMEOUT_S",
                        "10")));
    for (String name :
        new String[] {
          "PIER_EDGE_MAX_SESSIONS must be an integer",
          "PIER_EDGE_MAX_SESSIONS_PER_REPL must be at least 1",
          "PIER_EDGE_PREVIEW_QUEUE must be at least 0",
          "PIER_EDGE_IDLE_TIMEOUT_S must be at least 30"
        }) {
      assertTrue(e.getMessage().contains(name), e.getMessage());
    }
  }

  @Test
  void aPerUserOrPerReplLimitAboveTheEdgesIsAMistake() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                config(
                    Map.of(
                        "PIER_EDGE_MAX_SESSIONS", "10", "PIER_EDGE_MAX_SESSIONS_PER_USER", "20")));
    assertTrue(
        e.getMessage()
            .contains(
                "PIER_EDGE_MAX_SESSIONS_PER_USER (20) cannot be more than PIER_EDGE_MAX_SESSIONS (10)"),
        e.getMessage());
  }
}
