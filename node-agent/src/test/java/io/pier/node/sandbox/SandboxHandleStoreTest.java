package io.pier.node.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxHandleStoreTest {
  @TempDir Path dir;

  private static final KeptSandbox ALPHA =
      new KeptSandbox(
          new SandboxHandle("docker", "alpha", "3f9a2c01", Map.of("name", "pier-alpha-n1")),
          Map.of("run", "node server.js", "port", "3000"));

  @Test
  void aKeptHandleReadsBackAsItWasAndLeavesNoPartialFile() throws Exception {
    SandboxHandleStore store = new SandboxHandleStore(dir);
    store.save(ALPHA);
    store.save(ALPHA);
    assertEquals(Optional.of(ALPHA), store.read("alpha"));
    assertEquals(Set.of("alpha"), store.slugs());
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "only alpha.json");
    }
  }

  @Test
  void aDeletedOrNeverKeptHandleIsNone() {
    SandboxHandleStore store = new SandboxHandleStore(dir);
    assertEquals(Optional.empty(), store.read("alpha"));
    store.save(ALPHA);
    store.delete("alpha");
    store.delete("alpha");
    assertEquals(Optional.empty(), store.read("alpha"));
  }

  @Test
  void aFileThatIsNotAValidHandleIsNoneNotAFailure() throws Exception {
    SandboxHandleStore store = new SandboxHandleStore(dir);
    for (String content :
        new String[] {
          "",
          "not json",
          "[1, 2]",
          "{\"version\": 2, \"slug\": \"alpha\"}",
          "{\"version\": 1, \"slug\": \"beta\", \"driver\": \"docker\", \"id\": \"x\", \"state\": {}, \"annotations\": {}}",
          "{\"version\": 1, \"slug\": \"alpha\", \"driver\": \"docker\", \"id\": \"../../etc\", \"state\": {}, "
              + "\"annotations\": {}}",
          "{\"version\": 1, \"slug\": \"alpha\", \"driver\": \"docker\", \"id\": \"x\", \"state\": [], \"annotations\": {}}",
          "{\"version\": 1, \"slug\": \"alpha\", \"driver\": \"docker\", \"id\": \"x\", \"state\": {}, "
              + "\"annotations\": {\"port\": 3000}}"
        }) {
      Files.writeString(dir.resolve("alpha.json"), content);
      assertEquals(Optional.empty(), store.read("alpha"), content);
    }
    Files.write(dir.resolve("alpha.json"), new byte[200_000]);
    assertEquals(Optional.empty(), store.read("alpha"), "a huge file");
  }

  @Test
  void onlySlugsNameHandleFiles() throws Exception {
    SandboxHandleStore store = new SandboxHandleStore(dir);
    assertEquals(Optional.empty(), store.read("../alpha"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            store.save(
                new KeptSandbox(
                    new SandboxHandle("docker", "../escape", "x", Map.of()), Map.of())));
    Files.writeString(dir.resolve("Not A Slug.json"), "{}");
    assertTrue(store.slugs().isEmpty());
  }
}
