package io.pier.common.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelsTest {
  @Test
  void acceptsNamesAndStringValuesWithinTheBounds() {
    assertEquals(
        Map.of("ci", "run-42", "team/area", "grading"),
        Labels.fromJson(new JsonObject().put("ci", "run-42").put("team/area", "grading")));
  }

  @Test
  void refusesBadNamesValuesAndTooManyLabels() {
    for (String name : List.of("", "-x", "x-", "a b", "é", "x".repeat(65), "a=b")) {
      assertThrows(
          IllegalArgumentException.class,
          () -> Labels.fromJson(new JsonObject().put(name, "v")),
          name);
    }
    assertThrows(
        IllegalArgumentException.class, () -> Labels.fromJson(new JsonObject().put("n", 42)));
    assertThrows(
        IllegalArgumentException.class,
        () -> Labels.fromJson(new JsonObject().put("n", "x".repeat(257))));
    assertThrows(
        IllegalArgumentException.class,
        () -> Labels.fromJson(new JsonObject().put("n", "line\nbreak")));
    JsonObject many = new JsonObject();
    for (int i = 0; i <= Labels.MAX_LABELS; i++) many.put("l" + i, "v");
    assertThrows(IllegalArgumentException.class, () -> Labels.fromJson(many));
  }

  @Test
  void selectorsMatchANameWithItsValueOrAnyValue() {
    Map<String, String> labels = Map.of("ci", "run-42", "env", "test");
    assertTrue(Labels.matchAll(labels, List.of(Labels.selector("ci=run-42"))));
    assertTrue(Labels.matchAll(labels, List.of(Labels.selector("env"), Labels.selector("ci"))));
    assertFalse(Labels.matchAll(labels, List.of(Labels.selector("ci=run-43"))));
    assertFalse(
        Labels.matchAll(labels, List.of(Labels.selector("env=test"), Labels.selector("x"))));
    assertTrue(Labels.matchAll(labels, List.of()));
    assertThrows(IllegalArgumentException.class, () -> Labels.selector("bad name=1"));
  }
}
