package io.pier.common.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.auth.EnvCipher;
import io.pier.common.store.InMemoryObjectStore;
import io.pier.common.store.StorageLayout;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplEnvStoreTest {
  private static final Instant AT = Instant.parse("2026-12-04T10:00:00Z");
  private final InMemoryObjectStore objects = new InMemoryObjectStore();
  private final ReplEnvStore store =
      new ReplEnvStore(objects, new EnvCipher("a-secret-of-enough-length"));

  @Test
  void variablesComeBackByNameWithTheirSecretFlag() {
    store.put("abc", new EnvVar("TOKEN", "t0k3n", true, AT));
    store.put("abc", new EnvVar("MODE", "dev", false, AT));
    List<EnvVar> vars = store.list("abc");
    assertEquals(List.of("MODE", "TOKEN"), vars.stream().map(EnvVar::name).toList());
    assertFalse(vars.get(0).secret());
    assertTrue(vars.get(1).secret());
    assertEquals(Map.of("MODE", "dev", "TOKEN", "t0k3n"), store.environment("abc"));
  }

  @Test
  void storageHoldsNoValueInClear() {
    store.put("abc", new EnvVar("TOKEN", "t0k3n-in-clear", true, AT));
    for (var info : objects.list(StorageLayout.replEnv("abc"))) {
      String stored = new String(objects.get(info.key()).orElseThrow(), StandardCharsets.UTF_8);
      assertFalse(stored.contains("t0k3n-in-clear"), stored);
    }
  }

  @Test
  void theEnvironmentLivesOutsideTheWorkspaceFiles() {
    assertFalse(StorageLayout.replEnv("abc").startsWith(StorageLayout.replFiles("abc")));
  }

  @Test
  void aValueReplacedOrDeletedIsGone() {
    store.put("abc", new EnvVar("TOKEN", "one", true, AT));
    store.put("abc", new EnvVar("TOKEN", "two", true, AT));
    assertEquals("two", store.read("abc", "TOKEN").orElseThrow().value());
    assertTrue(store.delete("abc", "TOKEN"));
    assertFalse(store.delete("abc", "TOKEN"));
    assertEquals(0, store.count("abc"));
  }

  @Test
  void aValueMovedToAnotherReplInStorageDoesNotOpenThere() {
    store.put("abc", new EnvVar("TOKEN", "mine", true, AT));
    objects.copy(
        StorageLayout.replEnv("abc") + "TOKEN.json", StorageLayout.replEnv("xyz") + "TOKEN.json");
    assertTrue(store.list("xyz").isEmpty());
  }

  @Test
  void badNamesAndValuesAreRefused() {
    for (String name : List.of("", "1A", "A-B", "PIER_PORT", "A B", "x".repeat(129))) {
      assertThrows(
          IllegalArgumentException.class,
          () -> store.put("abc", new EnvVar(name, "v", false, AT)),
          name);
    }
    assertThrows(
        IllegalArgumentException.class, () -> store.put("abc", new EnvVar("A", "a\0b", false, AT)));
    assertThrows(
        IllegalArgumentException.class,
        () -> store.put("abc", new EnvVar("A", "x".repeat(EnvVar.MAX_VALUE_BYTES + 1), false, AT)));
  }
}
