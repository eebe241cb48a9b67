package io.pier.node.envd.filesystem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pier.node.files.RefusedInput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipartStreamTest {
  private static final String BOUNDARY = "----formdata-undici-041727735925";

  @Test
  void filesOfAFormComeOutByteExactWhateverTheChunksTheyArriveIn() throws IOException {
    byte[] binary = new byte[300_000];
    new Random(7).nextBytes(binary);
    // Bytes that look like the start of a delimiter, inside the content.
    byte[] tricky =
        ("a\r\n--"
                + BOUNDARY.substring(0, 10)
                + "\r\n-\r\n--"
                + BOUNDARY.substring(0, BOUNDARY.length() - 1)
                + "\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    write(body, "preamble to skip\r\n");
    part(body, "file", "/home/user/bin.dat", binary);
    part(body, "other", null, "ignored".getBytes(StandardCharsets.UTF_8));
    part(body, "file", "t\u00e9.txt", tricky);
    part(body, "file", "empty", new byte[0]);
    write(body, "--" + BOUNDARY + "--\r\nepilogue");
    for (int chunk : new int[] {1, 7, 1000, 70_000}) {
      MultipartStream parts = new MultipartStream(chunked(body.toByteArray(), chunk), BOUNDARY);
      MultipartStream.Part first = parts.next();
      assertEquals("file", first.disposition("name"));
      assertEquals("/home/user/bin.dat", first.disposition("filename"));
      assertEquals("application/octet-stream", first.headers().get("content-type"));
      assertArrayEquals(binary, first.content().readAllBytes(), "chunks of " + chunk);
      MultipartStream.Part other = parts.next();
      assertEquals("other", other.disposition("name"));
      MultipartStream.Part third = parts.next(); // "other" left unread: skipped
      assertEquals("t\u00e9.txt", third.disposition("filename"));
      assertArrayEquals(tricky, third.content().readAllBytes());
      MultipartStream.Part empty = parts.next();
      assertArrayEquals(new byte[0], empty.content().readAllBytes());
      assertNull(parts.next());
      assertNull(parts.next());
    }
  }

  @Test
  void aBodyCutBeforeItsClosingDelimiterIsRefusedNotTakenForAWholeFile() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    part(body, "file", "a.txt", "half of it".getBytes(StandardCharsets.UTF_8));
    byte[] cut = body.toByteArray();
    MultipartStream parts =
        new MultipartStream(new ByteArrayInputStream(cut, 0, cut.length - 10), BOUNDARY);
    MultipartStream.Part part = parts.next();
    RefusedInput refused = assertThrows(RefusedInput.class, () -> part.content().readAllBytes());
    assertEquals(400, refused.answer().status());
    assertThrows(
        RefusedInput.class,
        () -> new MultipartStream(new ByteArrayInputStream(new byte[0]), BOUNDARY).next());
  }

  @Test
  void headersPastTheirBoundAndBrokenFramingAreRefused() {
    String huge =
        "--"
            + BOUNDARY
            + "\r\nX-Junk: "
            + "j".repeat(20_000)
            + "\r\n\r\nx\r\n--"
            + BOUNDARY
            + "--\r\n";
    assertThrows(RefusedInput.class, () -> stream(huge).next());
    assertThrows(RefusedInput.class, () -> stream("--" + BOUNDARY + "garbage\r\n\r\n").next());
    assertThrows(RefusedInput.class, () -> stream("--" + BOUNDARY + "\r\nno colon\r\n\r\n").next());
  }

  @Test
  void aBoundaryOutsideRfc2046sLengthIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new MultipartStream(InputStream.nullInputStream(), ""));
    assertThrows(
        IllegalArgumentException.class,
        () -> new MultipartStream(InputStream.nullInputStream(), "b".repeat(71)));
  }

  private static MultipartStream stream(String body) {
    return new MultipartStream(
        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), BOUNDARY);
  }

  private static void part(ByteArrayOutputStream body, String name, String filename, byte[] content)
      throws IOException {
    write(body, "--" + BOUNDARY + "\r\n");
    write(
        body,
        "Content-Disposition: form-data; name=\""
            + name
            + "\""
            + (filename == null ? "" : "; filename=\"" + filename + "\"")
            + "\r\nContent-Type: application/octet-stream\r\n\r\n");
    body.write(content);
    write(body, "\r\n");
  }

  private static void write(ByteArrayOutputStream body, String text) throws IOException {
    body.write(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A stream that never gives more than {@code chunk} bytes a read. */
  private static InputStream chunked(byte[] bytes, int chunk) {
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, chunk));
      }
    };
  }
}
