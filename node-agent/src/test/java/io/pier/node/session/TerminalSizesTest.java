package io.pier.node.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The sizes a terminal's held output was drawn at, replayed with it so a tab can draw it as it was. */
class TerminalSizesTest {

  private static JsonObject size(long at, int cols, int rows) {
    return new JsonObject().put("at", at).put("cols", cols).put("rows", rows);
  }

  @Test
  void eachSizeIsGivenFromTheOffsetItBeganAt() {
    TerminalSizes sizes = new TerminalSizes();
    sizes.record(0, 80, 24, 0);
    sizes.record(120, 40, 24, 0);
    sizes.record(300, 100, 30, 0);
    assertEquals(
        new JsonArray().add(size(0, 80, 24)).add(size(120, 40, 24)).add(size(300, 100, 30)),
        sizes.since(0));
  }

  @Test
  void theSameSizeAgainIsNotKeptTwice() {
    TerminalSizes sizes = new TerminalSizes();
    sizes.record(0, 80, 24, 0);
    sizes.record(50, 80, 24, 0);
    assertEquals(new JsonArray().add(size(0, 80, 24)), sizes.since(0));
  }

  @Test
  void aSizeNothingWasDrawnAtIsReplacedByTheNext() {
    TerminalSizes sizes = new TerminalSizes();
    sizes.record(0, 80, 24, 0);
    sizes.record(70, 60, 24, 0);
    sizes.record(70, 50, 20, 0);
    assertEquals(new JsonArray().add(size(0, 80, 24)).add(size(70, 50, 20)), sizes.since(0));
  }

  @Test
  void sizesOfOutputNoLongerHeldAreDroppedAndTheOneInForceStartsTheReplay() {
    TerminalSizes sizes = new TerminalSizes();
    sizes.record(0, 80, 24, 0);
    sizes.record(100, 40, 24, 0);
    sizes.record(200, 120, 24, 0);
    // The buffer now holds from offset 150: the 40-column size was in force there.
    assertEquals(new JsonArray().add(size(0, 40, 24)).add(size(50, 120, 24)), sizes.since(150));
    assertEquals(2, sizes.count());
  }

  @Test
  void aTerminalResizedOftenKeepsABoundedList() {
    TerminalSizes sizes = new TerminalSizes();
    for (int i = 0; i < 1000; i++) sizes.record(i * 10L, 40 + (i % 2), 24, 0);
    assertEquals(TerminalSizes.MAX_SIZES, sizes.count());
    JsonArray held = sizes.since(0);
    assertEquals(9990 - 10L * (TerminalSizes.MAX_SIZES - 1), held.getJsonObject(0).getLong("at"));
  }

  @Test
  void theSizesFollowTheTerminalsOutputBufferAsItWraps() {
    OutputBuffer output = new OutputBuffer(1024);
    TerminalSizes sizes = new TerminalSizes();
    sizes.record(output.written(), 80, 24, output.oldestHeld());
    output.append("a".repeat(1000).getBytes(StandardCharsets.UTF_8));
    sizes.record(output.written(), 30, 24, output.oldestHeld());
    output.append("b".repeat(500).getBytes(StandardCharsets.UTF_8));
    assertEquals(476, output.oldestHeld());
    JsonArray held = sizes.since(output.oldestHeld());
    assertEquals(new JsonArray().add(size(0, 80, 24)).add(size(524, 30, 24)), held);
    assertTrue(output.snapshot()[524] == 'b' && output.snapshot()[523] == 'a');
  }
}
