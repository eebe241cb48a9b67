package io.pier.common.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TemplateManifestConsoleTest {
  private static final String LIMITS = "\"limits\":{\"cpus\":1,\"memoryMb\":512,\"pids\":256}";

  @Test
  void aConsoleProgramHasNoPortAndAnInstallStepRunsFirst() {
    TemplateManifest m =
        TemplateManifest.parse(
            "{\"name\":\"cpp\",\"image\":\"pier-runner-cpp:latest\","
                + "\"install\":\"make\",\"run\":\"./main\",\"mode\":\"console\","
                + LIMITS
                + "}");
    assertTrue(m.isConsole());
    assertEquals(0, m.port());
    assertEquals("(make) && ./main", m.runCommand());
    assertEquals("console", m.toJson().getString("mode"));
    assertNull(m.toJson().getValue("port"));
  }

  @Test
  void aWebAppWithoutInstallRunsItsCommandAsIs() {
    TemplateManifest m =
        TemplateManifest.parse(
            "{\"name\":\"web\",\"image\":\"i\",\"run\":\"node a.js\",\"port\":3000,"
                + LIMITS
                + "}");
    assertEquals("node a.js", m.runCommand());
    assertEquals("web", m.toJson().getString("mode"));
  }

  @Test
  void aConsoleProgramWithAPortOrAnUnknownModeIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            TemplateManifest.parse(
                "{\"name\":\"c\",\"image\":\"i\","
                    + "\"run\":\"x\",\"mode\":\"console\",\"port\":3000,"
                    + LIMITS
                    + "}"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                TemplateManifest.parse(
                    "{\"name\":\"c\",\"image\":\"i\",\"run\":\"x\",\"mode\":\"daemon\","
                        + LIMITS
                        + "}"));
    assertTrue(e.getMessage().contains("mode"));
  }
}
