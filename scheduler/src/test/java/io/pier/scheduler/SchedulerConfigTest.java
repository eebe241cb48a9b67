package io.pier.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.config.ConfigException;
import io.pier.common.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerConfigTest {

  private static SchedulerConfig config(Map<String, String> vars) {
    Map<String, String> withSecret = new HashMap<>(vars);
    withSecret.putIfAbsent("PIER_AUTH_SECRET", "a-test-secret-long-enough");
    return SchedulerConfig.fromEnv(new Env(withSecret));
  }

  @Test
  void aMistypedSignUpSettingOrANonPositiveTokenLifetimeStopsTheSchedulerAtStart() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> config(Map.of("PIER_SIGNUP", "close", "PIER_TOKEN_TTL_H", "0")));
    assertTrue(e.getMessage().contains("PIER_SIGNUP must be one of open, closed"), e.getMessage());
    assertTrue(e.getMessage().contains("PIER_TOKEN_TTL_H must be at least 1"), e.getMessage());
    assertEquals(false, config(Map.of("PIER_SIGNUP", "closed")).auth().signupOpen());
  }

  @Test
  void urlsCarryThePublicPort() {
    SchedulerConfig c = config(Map.of("PIER_PUBLIC_URL", "http://pier.localhost:8080"));
    assertEquals(
        "http://brave-otter-3f9a2c.pier.localhost:8080/", c.previewUrl("brave-otter-3f9a2c"));
    assertEquals(
        "http://pier.localhost:8080/ide/brave-otter-3f9a2c", c.ideUrl("brave-otter-3f9a2c"));
  }

  @Test
  void urlsWithoutAPortHaveNone() {
    SchedulerConfig c =
        config(
            Map.of(
                "PIER_DOMAIN", "pier.example.com", "PIER_PUBLIC_URL", "https://pier.example.com"));
    assertEquals("https://calm-lynx-000001.pier.example.com/", c.previewUrl("calm-lynx-000001"));
    assertEquals("https://pier.example.com/ide/calm-lynx-000001", c.ideUrl("calm-lynx-000001"));
  }

  @Test
  void previewsUseTheDomainAndIdeUsesThePublicHost() {
    SchedulerConfig c =
        config(
            Map.of(
                "PIER_DOMAIN",
                "apps.example.com",
                "PIER_PUBLIC_URL",
                "https://ide.example.com:8443"));
    assertEquals("https://s.apps.example.com:8443/", c.previewUrl("s"));
    assertEquals("https://ide.example.com:8443/ide/s", c.ideUrl("s"));
  }

  @Test
  void defaultPublicUrlIsTheDomainOnTheEdgePort() {
    SchedulerConfig c = config(Map.of("PIER_EDGE_PORT", "9090"));
    assertEquals("http://pier.localhost:9090", c.publicUrl().toString());
    assertEquals("http://s.pier.localhost:9090/", c.previewUrl("s"));
    assertEquals("http://pier.localhost:9090/ide/s", c.ideUrl("s"));
  }

  @Test
  void defaultsAreSensible() {
    SchedulerConfig c = config(Map.of());
    assertEquals("pier.localhost", c.domain());
    assertEquals(8081, c.port());
    assertEquals("127.0.0.1", c.bindHost());
    assertEquals("http://127.0.0.1:8081", c.apiUrl());
    assertTrue(c.busyWait().toSeconds() > 0);
    assertTrue(c.nodeStaleAfter().toSeconds() > 0);
    assertTrue(c.templatesDir().isAbsolute());
  }

  @Test
  void readsDurationsInSeconds() {
    SchedulerConfig c = config(Map.of("PIER_NODE_STALE_S", "30", "PIER_NODE_TIMEOUT_S", "60"));
    assertEquals(Duration.ofSeconds(30), c.nodeStaleAfter());
    assertEquals(Duration.ofSeconds(60), c.nodeTimeout());
  }

  @Test
  void apiUrlUsesTheAdvertisedHostAndPort() {
    SchedulerConfig c =
        config(Map.of("PIER_SCHEDULER_ADVERTISE_HOST", "10.0.0.5", "PIER_SCHEDULER_PORT", "9001"));
    assertEquals("http://10.0.0.5:9001", c.apiUrl());
    assertEquals("10.0.0.5", c.bindHost());
  }

  @Test
  void rejectsAPublicUrlWithoutScheme() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> config(Map.of("PIER_PUBLIC_URL", "pier.localhost:8080")));
    assertTrue(e.getMessage().contains("PIER_PUBLIC_URL"), e.getMessage());
  }

  @Test
  void rejectsAPublicUrlThatIsNotAUri() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> config(Map.of("PIER_PUBLIC_URL", "http://pier local host")));
    assertTrue(e.getMessage().contains("PIER_PUBLIC_URL"), e.getMessage());
  }

  @Test
  void reportsEveryBadSettingAtOnce() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                config(
                    Map.of(
                        "PIER_SCHEDULER_PORT",
                        "eighty",
                        "PIER_NODE_TIMEOUT_S",
                        "soon",
                        "PIER_EDGE_PORT",
                        "70000")));
    assertTrue(e.getMessage().contains("PIER_SCHEDULER_PORT"), e.getMessage());
    assertTrue(e.getMessage().contains("PIER_NODE_TIMEOUT_S"), e.getMessage());
    assertTrue(e.getMessage().contains("PIER_EDGE_PORT"), e.getMessage());
  }

  @Test
  void capsPerUserDefaultToTwentyReplsAndThreeRunningAndAreChecked() {
    SchedulerConfig c = config(Map.of());
    assertEquals(20, c.auth().maxReplsPerUser());
    assertEquals(3, c.auth().maxRunningPerUser());
    assertEquals(null, c.auth().setupToken());
    SchedulerConfig set =
        config(
            Map.of(
                "PIER_MAX_REPLS_PER_USER",
                "50",
                "PIER_MAX_RUNNING_PER_USER",
                "5",
                "PIER_SETUP_TOKEN",
                "a-setup-token-long-enough"));
    assertEquals(50, set.auth().maxReplsPerUser());
    assertEquals(5, set.auth().maxRunningPerUser());
    assertEquals("a-setup-token-long-enough", set.auth().setupToken());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                config(
                    Map.of(
                        "PIER_MAX_REPLS_PER_USER",
                        "0",
                        "PIER_MAX_RUNNING_PER_USER",
                        "many",
                        "PIER_SETUP_TOKEN",
                        "short")));
    assertTrue(
        e.getMessage().contains("PIER_MAX_REPLS_PER_USER must be at least 1"), e.getMessage());
    assertTrue(
        e.getMessage().contains("PIER_MAX_RUNNING_PER_USER must be an integer"), e.getMessage());
    assertTrue(e.getMessage().contains("PIER_SETUP_TOKEN must have at least 16"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () -> config(Map.of("PIER_MAX_REPLS_PER_USER", "2", "PIER_MAX_RUNNING_PER_USER", "3")));
    assertTrue(
        e.getMessage().contains("cannot be more than PIER_MAX_REPLS_PER_USER"), e.getMessage());
  }

  @Test
  void aRotatingSecretListIsAcceptedAndAShortPartIsNot() {
    assertEquals(
        "a-new-secret-long-enough,a-test-secret-long-enough",
        config(Map.of("PIER_AUTH_SECRET", "a-new-secret-long-enough,a-test-secret-long-enough"))
            .auth()
            .secret());
    assertThrows(
        ConfigException.class,
        () -> config(Map.of("PIER_AUTH_SECRET", "a-new-secret-long-enough,old")));
  }

  @Test
  void anImageSetIsReadAndAMalformedOneStopsTheSchedulerAtStart(@TempDir Path dir)
      throws Exception {
    String ref = "127.0.0.1:5000/pier-runner-node@sha256:" + "9a".repeat(32);
    Path file =
        Files.writeString(
            dir.resolve("images.json"), "{\"pier-runner-node:latest\": \"" + ref + "\"}");
    assertEquals(
        ref,
        config(Map.of("PIER_IMAGE_SET", file.toString()))
            .imageSet()
            .resolve("pier-runner-node:latest"));
    assertTrue(config(Map.of()).imageSet().isEmpty());

    Files.writeString(file, "not json");
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> config(Map.of("PIER_IMAGE_SET", file.toString())));
    assertTrue(e.getMessage().contains("PIER_IMAGE_SET: image set " + file), e.getMessage());
  }
}
