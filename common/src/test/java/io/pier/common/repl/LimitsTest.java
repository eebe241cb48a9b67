package io.pier.common.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class LimitsTest {

  @Test
  void limitsWithADiskSizeAndRuntimeRoundTripThroughJson() {
    Limits limits = new Limits(0.5, 256, 64, 512, "runsc");
    assertEquals(limits, Limits.fromJson(new JsonObject(limits.toJson().encode())));
  }

  @Test
  void limitsWithoutThemReadAndWriteAsBefore() {
    JsonObject old = new JsonObject().put("cpus", 1.0).put("memoryMb", 512).put("pids", 256);
    Limits limits = Limits.fromJson(old);
    assertEquals(new Limits(1, 512, 256, 0, null), limits);
    assertEquals(old, limits.toJson());
    assertFalse(limits.toJson().containsKey("diskMb"));
  }

  @Test
  void rejectsADiskSizeOutOfRange() {
    assertThrows(IllegalArgumentException.class, () -> new Limits(1, 512, 256, 63, null));
    assertThrows(IllegalArgumentException.class, () -> new Limits(1, 512, 256, -1, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Limits(1, 512, 256, Limits.MAX_DISK_MB + 1, null));
  }
}
