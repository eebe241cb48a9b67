package io.pier.common.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {

  @Test
  void missingSettingsTakeTheirDefaults() {
    Env env = new Env(Map.of());
    assertEquals("fallback", env.string("A", "fallback"));
    assertNull(env.string("A", null));
    assertEquals(42, env.integer("N", 42));
    assertEquals(8080, env.port("P", 8080));
    assertEquals(0.5, env.decimal("D", 0.5));
    assertEquals(List.of("127.0.0.1"), env.list("L", "127.0.0.1"));
    assertDoesNotThrow(env::check);
  }

  @Test
  void blankSettingsTakeTheirDefaults() {
    Env env = new Env(Map.of("A", "   ", "N", ""));
    assertEquals("fallback", env.string("A", "fallback"));
    assertEquals(7, env.integer("N", 7));
    assertDoesNotThrow(env::check);
  }

  @Test
  void readsTrimmedValues() {
    Env env = new Env(Map.of("A", "  value ", "N", " 12 ", "P", "9000", "D", "2.5"));
    assertEquals("value", env.string("A", null));
    assertEquals(12, env.integer("N", 0));
    assertEquals(9000, env.port("P", 1));
    assertEquals(2.5, env.decimal("D", 0));
    assertDoesNotThrow(env::check);
  }

  @Test
  void aShortOrMissingSecretIsAProblem() {
    Env env = new Env(Map.of("S", "short"));
    env.secret("S");
    env.secret("MISSING");
    ConfigException e = assertThrows(ConfigException.class, env::check);
    assertTrue(e.getMessage().contains("S must have at least 16 characters"), e.getMessage());
    assertTrue(e.getMessage().contains("MISSING is required"), e.getMessage());
    assertEquals("sixteen-chars-ok", new Env(Map.of("S", "sixteen-chars-ok")).secret("S"));
  }

  @Test
  void aSecretListDuringARotationNeedsEveryPartLongEnough() {
    Env fine = new Env(Map.of("S", "the-new-secret-123,the-old-secret-456"));
    assertEquals("the-new-secret-123,the-old-secret-456", fine.secret("S"));
    assertDoesNotThrow(fine::check);
    Env weak = new Env(Map.of("S", "the-new-secret-123,old"));
    weak.secret("S");
    ConfigException e = assertThrows(ConfigException.class, weak::check);
    assertTrue(e.getMessage().contains("in each comma-separated part"), e.getMessage());
  }

  @Test
  void aChoiceIsOneOfItsOptionsAndATypoIsAProblemNotTheDefault() {
    assertEquals("closed", new Env(Map.of("C", "CLOSED")).choice("C", "open", "open", "closed"));
    assertEquals("open", new Env(Map.of()).choice("C", "open", "open", "closed"));
    Env typo = new Env(Map.of("C", "close"));
    typo.choice("C", "open", "open", "closed");
    ConfigException e = assertThrows(ConfigException.class, typo::check);
    assertTrue(
        e.getMessage().contains("C must be one of open, closed, got 'close'"), e.getMessage());
  }

  @Test
  void aUrlNeedsASchemeAndAHost() {
    assertEquals(
        "https://pier.example.com",
        new Env(Map.of("U", "https://pier.example.com")).url("U", null).toString());
    assertNull(new Env(Map.of()).url("U", null));
    Env bad = new Env(Map.of("U", "pier.localhost:8080"));
    assertNull(bad.url("U", null));
    ConfigException e = assertThrows(ConfigException.class, bad::check);
    assertTrue(e.getMessage().contains("U must be a URL"), e.getMessage());
  }

  @Test
  void anIntegerBelowItsMinimumIsAProblem() {
    Env env = new Env(Map.of("N", "0"));
    env.atLeast("N", 12, 1);
    assertThrows(ConfigException.class, env::check);
    assertEquals(12, new Env(Map.of()).atLeast("N", 12, 1));
  }

  @Test
  void listSplitsOnCommasAndDropsEmptyItems() {
    Env env = new Env(Map.of("L", "a, b ,c,,"));
    assertEquals(List.of("a", "b", "c"), env.list("L", ""));
  }

  @Test
  void pathIsAbsoluteAndNormalized() {
    Env env = new Env(Map.of("DIR", "data/../data/s3"));
    Path p = env.path("DIR", "x");
    assertTrue(p.isAbsolute());
    assertEquals(Path.of("data/s3").toAbsolutePath().normalize(), p);
  }

  @Test
  void badIntegerFallsBackAndIsReportedByCheck() {
    Env env = new Env(Map.of("N", "twelve"));
    assertEquals(5, env.integer("N", 5));
    ConfigException e = assertThrows(ConfigException.class, env::check);
    assertTrue(e.getMessage().contains("N must be an integer"), e.getMessage());
    assertTrue(e.getMessage().contains("twelve"), e.getMessage());
  }

  @Test
  void portOutOfRangeIsReported() {
    Env env = new Env(Map.of("P", "70000"));
    env.port("P", 8080);
    ConfigException e = assertThrows(ConfigException.class, env::check);
    assertTrue(e.getMessage().contains("P must be a port number"), e.getMessage());
  }

  @Test
  void negativePortIsReported() {
    Env env = new Env(Map.of("P", "-1"));
    env.port("P", 8080);
    assertThrows(ConfigException.class, env::check);
  }

  @Test
  void badDecimalIsReported() {
    Env env = new Env(Map.of("D", "lots"));
    assertEquals(1.0, env.decimal("D", 1.0));
    ConfigException e = assertThrows(ConfigException.class, env::check);
    assertTrue(e.getMessage().contains("D must be a number"), e.getMessage());
  }

  @Test
  void everyProblemIsReportedTogether() {
    Env env =
        new Env(
            Map.of(
                "PIER_SCHEDULER_PORT",
                "http",
                "PIER_EDGE_PORT",
                "99999",
                "PIER_START_TIMEOUT_S",
                "2m"));
    env.port("PIER_SCHEDULER_PORT", 8081);
    env.port("PIER_EDGE_PORT", 8080);
    env.integer("PIER_START_TIMEOUT_S", 120);
    env.required("PIER_S3_ACCESS_KEY");
    env.problem("custom problem");
    ConfigException e = assertThrows(ConfigException.class, env::check);
    String message = e.getMessage();
    assertTrue(message.contains("PIER_SCHEDULER_PORT must be an integer, got 'http'"), message);
    assertTrue(
        message.contains("PIER_EDGE_PORT must be a port number 0..65535, got 99999"), message);
    assertTrue(message.contains("PIER_START_TIMEOUT_S must be an integer, got '2m'"), message);
    assertTrue(message.contains("PIER_S3_ACCESS_KEY is required"), message);
    assertTrue(message.contains("custom problem"), message);
    assertEquals(5, message.split("; ").length, message);
  }

  @Test
  void requiredSettingIsReturnedWhenPresent() {
    Env env = new Env(Map.of("KEY", "secret"));
    assertEquals("secret", env.required("KEY"));
    assertDoesNotThrow(env::check);
  }
}
