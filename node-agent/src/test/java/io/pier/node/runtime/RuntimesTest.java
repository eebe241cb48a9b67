package io.pier.node.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.http.ApiException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RuntimesTest {

  @Test
  void withoutMappingTheEnginesRuntimesAreOfferedByTheirOwnNames() {
    Runtimes runtimes = new Runtimes(Map.of(), Set.of("runc", "runsc"));

    assertEquals(List.of("runc", "runsc"), runtimes.offered());
    assertEquals(Optional.of("runsc"), runtimes.resolve("runsc"));
    assertEquals(Optional.empty(), runtimes.resolve(null), "the engine's default");
  }

  @Test
  void aMappedNameRunsInTheEngineRuntimeItNames() {
    Runtimes runtimes = new Runtimes(Map.of("runsc", "runsc-kvm"), Set.of("runc", "runsc-kvm"));

    assertEquals(List.of("runc", "runsc", "runsc-kvm"), runtimes.offered());
    assertEquals(Optional.of("runsc-kvm"), runtimes.resolve("runsc"));
  }

  @Test
  void theDefaultMappingPutsReplsThatNameNoRuntimeInIt() {
    Runtimes runtimes = new Runtimes(Map.of(Runtimes.DEFAULT, "runsc"), Set.of("runc", "runsc"));

    assertEquals(Optional.of("runsc"), runtimes.resolve(null));
    assertFalse(runtimes.offered().contains(Runtimes.DEFAULT));
    assertFalse(runtimes.defaultMissing());
  }

  @Test
  void aRuntimeTheEngineLacksIsNotOfferedAndAStartAskingForItIsRefused() {
    Runtimes runtimes = new Runtimes(Map.of("runsc", "runsc-kvm"), Set.of("runc"));

    assertEquals(List.of("runc"), runtimes.offered());
    ApiException refused = assertThrows(ApiException.class, () -> runtimes.resolve("runsc"));
    assertEquals(422, refused.status());
    assertEquals("runtime_missing", refused.code());
    assertTrue(refused.getMessage().contains("runsc-kvm"), refused.getMessage());
    assertEquals(1, runtimes.problems().size());
    assertThrows(ApiException.class, () -> runtimes.resolve("kata"));
  }

  @Test
  void aDefaultMappedToAMissingRuntimeIsReported() {
    assertTrue(new Runtimes(Map.of(Runtimes.DEFAULT, "runsc"), Set.of("runc")).defaultMissing());
  }
}
