package io.pier.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pier.common.node.StartRequest;
import io.pier.common.repl.Limits;
import io.pier.node.session.LiveRepl;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplAnnotationsTest {
  private static final Limits LIMITS = new Limits(0.5, 256, 128);

  @Test
  void whatAStartKeepsWithItsSandboxGivesItsRunSettingsBack() {
    var annotations =
        ReplAnnotations.of(
            new StartRequest("alpha", "img", "npm start", 3000, LIMITS, "src/index.js"));
    assertEquals(
        Optional.of(new LiveRepl.RunSpec("npm start", 3000, "src/index.js")),
        ReplAnnotations.runSpec(annotations));
  }

  @Test
  void annotationsWithoutARunCommandOrAValidPortNameNoRunSettings() {
    assertEquals(Optional.empty(), ReplAnnotations.runSpec(Map.of("port", "3000")));
    assertEquals(Optional.empty(), ReplAnnotations.runSpec(Map.of("run", "x", "port", "three")));
    assertEquals(Optional.empty(), ReplAnnotations.runSpec(Map.of("run", "x", "port", "70000")));
    assertEquals(Optional.empty(), ReplAnnotations.runSpec(Map.of("run", "x", "port", "-1")));
  }
}
