package io.pier.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tar writer and reader: what one writes the other reads back, and hostile archives are refused. */
class TarTest {
  @TempDir Path dir;

  @Test
  void aFolderRoundTripsWithLongNamesBinaryFilesAndEmptyFolders() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    byte[] binary = new byte[70_000];
    new Random(1).nextBytes(binary);
    Files.write(src.resolve("blob.bin"), binary);
    Files.createDirectories(src.resolve("empty"));
    String deep = "d".repeat(90) + "/" + "e".repeat(90);
    Files.createDirectories(src.resolve(deep));
    Files.writeString(src.resolve(deep + "/f.txt"), "deep\n");
    String longName = "n".repeat(200) + ".txt";
    Files.writeString(src.resolve(longName), "long\n");
    Files.createSymbolicLink(src.resolve("link"), Path.of("/etc/passwd"));

    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    TarWriter.writeFolder(src, tar);
    Path out = dir.resolve("out");
    TarReader.Extracted done = TarReader.extract(new ByteArrayInputStream(tar.toByteArray()), out);

    assertArrayEquals(binary, Files.readAllBytes(out.resolve("blob.bin")));
    assertTrue(Files.isDirectory(out.resolve("empty")));
    assertEquals("deep\n", Files.readString(out.resolve(deep + "/f.txt")));
    assertEquals("long\n", Files.readString(out.resolve(longName)));
    assertFalse(Files.exists(out.resolve("link")), "links are never archived");
    assertEquals(3, done.files());
  }

  @Test
  void theTarIsReadableByGnuTar() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.writeString(src.resolve("a.txt"), "a\n");
    Files.writeString(src.resolve("x".repeat(150)), "x\n");
    Path file = dir.resolve("a.tar");
    try (var out = Files.newOutputStream(file)) {
      TarWriter.writeFolder(src, out);
    }
    Process tar =
        new ProcessBuilder("tar", "-tf", file.toString()).redirectErrorStream(true).start();
    String listing = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, tar.waitFor(), listing);
    assertTrue(listing.contains("a.txt"), listing);
    assertTrue(listing.contains("x".repeat(150)), listing);
  }

  @Test
  void anEntryNamedWithDotDotIsRefusedAndNothingLandsOutside() throws Exception {
    byte[] tar = archiveWith("../escaped.txt");
    Path out = dir.resolve("out");
    assertThrows(IOException.class, () -> TarReader.extract(new ByteArrayInputStream(tar), out));
    assertFalse(Files.exists(dir.resolve("escaped.txt")));
  }

  @Test
  void anAbsoluteNameIsRefused() throws Exception {
    byte[] tar = archiveWith("/tmp/abs.txt");
    assertThrows(
        IOException.class,
        () -> TarReader.extract(new ByteArrayInputStream(tar), dir.resolve("out")));
  }

  @Test
  void aNameThroughALinkAlreadyInTheTargetIsRefused() throws Exception {
    Path out = Files.createDirectories(dir.resolve("out"));
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Files.createSymbolicLink(out.resolve("sub"), elsewhere);
    byte[] tar = archiveWith("sub/planted.txt");
    assertThrows(IOException.class, () -> TarReader.extract(new ByteArrayInputStream(tar), out));
    assertFalse(Files.exists(elsewhere.resolve("planted.txt")));
  }

  @Test
  void aTruncatedArchiveIsAnError() throws Exception {
    byte[] whole = archiveWith("a.txt");
    byte[] cut = Arrays.copyOf(whole, 512 + 100);
    assertThrows(
        IOException.class,
        () -> TarReader.extract(new ByteArrayInputStream(cut), dir.resolve("out")));
  }

  private static byte[] archiveWith(String name) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TarWriter tar = new TarWriter(out);
    byte[] body = "x\n".getBytes(StandardCharsets.UTF_8);
    tar.file(name, body.length, 0644, new ByteArrayInputStream(body));
    tar.finish();
    return out.toByteArray();
  }
}
