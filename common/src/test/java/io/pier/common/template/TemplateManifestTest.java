package io.pier.common.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.repl.Limits;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TemplateManifestTest {

  private static JsonObject valid() {
    return new JsonObject()
        .put("name", "node")
        .put("title", "Node.js")
        .put("description", "A server")
        .put("image", "pier-runner-node:latest")
        .put("run", "node index.js")
        .put("port", 3000)
        .put("open", "index.js")
        .put("limits", new JsonObject().put("cpus", 1.0).put("memoryMb", 512).put("pids", 256));
  }

  private static String with(Consumer<JsonObject> change) {
    JsonObject json = valid();
    change.accept(json);
    return json.encode();
  }

  private static IllegalArgumentException rejects(String text) {
    return assertThrows(IllegalArgumentException.class, () -> TemplateManifest.parse(text));
  }

  @Test
  void parsesAValidManifest() {
    TemplateManifest m = TemplateManifest.parse(valid().encode());
    assertEquals("node", m.name());
    assertEquals("Node.js", m.title());
    assertEquals("A server", m.description());
    assertEquals("pier-runner-node:latest", m.image());
    assertEquals("node index.js", m.run());
    assertEquals(3000, m.port());
    assertEquals("index.js", m.open());
    assertEquals(new Limits(1.0, 512, 256), m.limits());
  }

  @Test
  void titleDefaultsToNameAndDescriptionToEmpty() {
    TemplateManifest m =
        TemplateManifest.parse(
            with(
                j -> {
                  j.remove("title");
                  j.remove("description");
                }));
    assertEquals("node", m.title());
    assertEquals("", m.description());
  }

  @Test
  void roundTripsThroughToJson() {
    TemplateManifest m = TemplateManifest.parse(valid().encode());
    assertEquals(m, TemplateManifest.parse(m.toJson().encode()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"name", "image", "run", "port", "limits"})
  void rejectsManifestWithoutKey(String key) {
    IllegalArgumentException e = rejects(with(j -> j.remove(key)));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpus", "memoryMb", "pids"})
  void rejectsManifestWithoutLimit(String key) {
    IllegalArgumentException e = rejects(with(j -> j.getJsonObject("limits").remove(key)));
    assertTrue(e.getMessage().contains("limits." + key), e.getMessage());
  }

  @Test
  void rejectsBlankImage() {
    IllegalArgumentException e = rejects(with(j -> j.put("image", "  ")));
    assertTrue(e.getMessage().contains("image"), e.getMessage());
  }

  @Test
  void rejectsNullRun() {
    IllegalArgumentException e = rejects(with(j -> j.putNull("run")));
    assertTrue(e.getMessage().contains("run"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 65536, 100000})
  void rejectsPortOutOfRange(int port) {
    IllegalArgumentException e = rejects(with(j -> j.put("port", port)));
    assertTrue(e.getMessage().contains("port"), e.getMessage());
  }

  @Test
  void acceptsPortBounds() {
    assertEquals(1, TemplateManifest.parse(with(j -> j.put("port", 1))).port());
    assertEquals(65535, TemplateManifest.parse(with(j -> j.put("port", 65535))).port());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Node", "my_app", "-node", "a.b", ""})
  void rejectsInvalidName(String name) {
    IllegalArgumentException e = rejects(with(j -> j.put("name", name)));
    assertTrue(e.getMessage().contains("name"), e.getMessage());
  }

  @Test
  void rejectsZeroCpus() {
    IllegalArgumentException e = rejects(with(j -> j.getJsonObject("limits").put("cpus", 0)));
    assertTrue(e.getMessage().contains("limits.cpus"), e.getMessage());
  }

  @Test
  void rejectsTooLittleMemory() {
    IllegalArgumentException e = rejects(with(j -> j.getJsonObject("limits").put("memoryMb", 16)));
    assertTrue(e.getMessage().contains("limits.memoryMb"), e.getMessage());
  }

  @Test
  void rejectsTooManyPids() {
    IllegalArgumentException e =
        rejects(with(j -> j.getJsonObject("limits").put("pids", 1_000_000)));
    assertTrue(e.getMessage().contains("limits.pids"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "{\"name\":", "", "[1, 2]", "42"})
  void rejectsTextThatIsNotAJsonObject(String text) {
    IllegalArgumentException e = rejects(text);
    assertTrue(e.getMessage().contains("JSON"), e.getMessage());
  }

  @Test
  void rejectsWrongTypesOfNumbersAndObjects() {
    rejects(with(j -> j.put("port", "3000")));
    rejects(with(j -> j.put("limits", "small")));
    rejects(with(j -> j.getJsonObject("limits").put("cpus", "one")));
    rejects(with(j -> j.getJsonObject("limits").put("memoryMb", true)));
  }

  @Test
  void wrongTypeOfPortIsReportedByKey() {
    IllegalArgumentException e = rejects(with(j -> j.put("port", "3000")));
    assertTrue(e.getMessage().contains("port"), e.getMessage());
  }

  @Test
  void wrongTypeOfLimitsIsReportedByKey() {
    IllegalArgumentException e = rejects(with(j -> j.put("limits", "small")));
    assertTrue(e.getMessage().contains("limits"), e.getMessage());
  }

  @Test
  void wrongTypeOfLimitIsReportedByKey() {
    IllegalArgumentException e = rejects(with(j -> j.getJsonObject("limits").put("cpus", "one")));
    assertTrue(e.getMessage().contains("cpus"), e.getMessage());
  }

  @Test
  void rejectsNonStringImage() {
    IllegalArgumentException e = rejects(with(j -> j.put("image", 5)));
    assertTrue(e.getMessage().contains("image"), e.getMessage());
  }

  @Test
  void rejectsNonStringRun() {
    String text =
        valid().encode().replace("\"run\":\"node index.js\"", "\"run\":[\"node\",\"index.js\"]");
    IllegalArgumentException e = rejects(text);
    assertTrue(e.getMessage().contains("run"), e.getMessage());
  }

  @Test
  void rejectsNonIntegerPort() {
    rejects(with(j -> j.put("port", 3000.5)));
    rejects(with(j -> j.put("port", 4_294_970_296L)));
  }

  @Test
  void diskSizeAndRuntimeAreOptionalAndLeaveTheNodesDefaults() {
    Limits limits = TemplateManifest.parse(valid().encode()).limits();
    assertEquals(0, limits.diskMb());
    assertEquals(null, limits.runtime());
  }

  @Test
  void readsTheWorkspaceSizeFromLimitsAndTheRuntimeFromTheTopLevel() {
    TemplateManifest m =
        TemplateManifest.parse(
            with(
                j -> {
                  j.getJsonObject("limits").put("diskMb", 2048);
                  j.put("runtime", "runsc");
                }));
    assertEquals(new Limits(1.0, 512, 256, 2048, "runsc"), m.limits());
    assertEquals(m, TemplateManifest.parse(m.toJson().encode()));
    assertEquals("runsc", m.toJson().getString("runtime"));
    assertTrue(
        !m.toJson().getJsonObject("limits").containsKey("runtime"), "said once, at the top level");
  }

  @Test
  void rejectsAWorkspaceTooSmallToHoldAFilesystem() {
    IllegalArgumentException e = rejects(with(j -> j.getJsonObject("limits").put("diskMb", 10)));
    assertTrue(e.getMessage().contains("limits.diskMb"), e.getMessage());
    rejects(with(j -> j.getJsonObject("limits").put("diskMb", "1G")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "run sc", "../runc", "-runc"})
  void rejectsARuntimeThatIsNotAName(String runtime) {
    IllegalArgumentException e = rejects(with(j -> j.put("runtime", runtime)));
    assertTrue(e.getMessage().contains("runtime"), e.getMessage());
  }

  @Test
  void isValidNameAcceptsTemplateNamesOnly() {
    assertTrue(TemplateManifest.isValidName("python-flask"));
    assertTrue(TemplateManifest.isValidName("a"));
    assertTrue(!TemplateManifest.isValidName(null));
    assertTrue(!TemplateManifest.isValidName("Python"));
    assertTrue(!TemplateManifest.isValidName("a".repeat(41)));
  }
}
