package io.pier.node.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The waiting shell's exit line found in a run's output, however the output is cut. */
class RunEndMarkTest {
  private static final String NONCE = "a1b2c3";
  private static final String MARK = RunScript.EXIT_MARK + NONCE + ";";

  /** The output passed on and the code found, feeding {@code text} in chunks of {@code size} bytes. */
  private static String fed(String text, int size, OptionalInt[] code) {
    RunEndMark mark = new RunEndMark(NONCE);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < bytes.length; i += size) {
      byte[] chunk = new byte[Math.min(size, bytes.length - i)];
      System.arraycopy(bytes, i, chunk, 0, chunk.length);
      RunEndMark.Scan scan = mark.feed(chunk);
      out.writeBytes(scan.output());
      if (scan.code().isPresent()) {
        assertTrue(code[0].isEmpty(), "a code once only");
        code[0] = scan.code();
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theOutputBeforeTheMarkIsTheRunsAndTheCodeEndsItHoweverItIsCut() {
    String text = "line one\r\n\033]0;a title\007ünï" + MARK + "130\007 a job's late output";
    for (int size = 1; size <= text.length() + 1; size++) {
      OptionalInt[] code = {OptionalInt.empty()};
      assertEquals("line one\r\n\033]0;a title\007ünï", fed(text, size, code), "chunks of " + size);
      assertEquals(OptionalInt.of(130), code[0], "chunks of " + size);
    }
  }

  @Test
  void aMarkWithAnotherNonceOrNoCodeIsTheRunsOwnOutput() {
    String forged = RunScript.EXIT_MARK + "guess;0\007" + MARK + "x\007" + MARK + "1234\007";
    for (int size = 1; size <= forged.length(); size++) {
      OptionalInt[] code = {OptionalInt.empty()};
      assertEquals(
          forged, fed(forged + "tail", size, code).replace("tail", ""), "chunks of " + size);
      assertEquals(OptionalInt.empty(), code[0]);
    }
  }

  @Test
  void onlyWhatMayBeginTheMarkIsHeldBack() {
    RunEndMark mark = new RunEndMark(NONCE);
    assertEquals(
        "abc", new String(mark.feed("abc\033]pier".getBytes(StandardCharsets.US_ASCII)).output()));
    assertEquals(
        "\033]pier-title",
        new String(mark.feed("-title".getBytes(StandardCharsets.US_ASCII)).output()));
  }
}
