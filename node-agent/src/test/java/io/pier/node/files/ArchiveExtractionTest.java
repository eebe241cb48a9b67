package io.pier.node.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.http.ApiException;
import io.pier.node.workspace.WorkspaceTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives into and out of a workspace on this machine's disk, malicious ones first. */
class ArchiveExtractionTest {
  @TempDir Path temp;
  private Path ws;
  private Path outside;
  private WorkspaceTree tree;
  private FileApiSettings settings;

  @BeforeEach
  void setUp() throws IOException {
    ws = Files.createDirectories(temp.resolve("ws"));
    outside = Files.createDirectories(temp.resolve("outside"));
    tree = new WorkspaceTree(ws, null);
    settings = new FileApiSettings(1 << 20, 1 << 20, 50, 2, Duration.ofSeconds(5), 2, 10);
  }

  private ArchiveExtraction.Result extract(String folder, ArchiveFormat format, byte[] archive)
      throws IOException {
    return extract(folder, format, archive, new ArrayList<>());
  }

  private ArchiveExtraction.Result extract(
      String folder, ArchiveFormat format, byte[] archive, List<String> changed)
      throws IOException {
    return new ArchiveExtraction(tree, new FileWrites(tree, "repls/s1/files/"), settings)
        .extract(folder, format, new ByteArrayInputStream(archive), changed);
  }

  @Test
  void anEntryLeadingOutWithDotDotIsRefusedAndNothingLandsOutside() throws IOException {
    byte[] tar = tar(t -> file(t, "../outside/x", "PWNED"));
    BadEntry e = assertThrows(BadEntry.class, () -> extract("sub", ArchiveFormat.TAR, tar));
    assertEquals(400, e.status());
    assertEquals("../outside/x", e.entry());
    assertFalse(Files.exists(outside.resolve("x")));
  }

  @Test
  void anAbsoluteEntryIsRefused() throws IOException {
    Path target = outside.resolve("abs");
    byte[] tar = tar(t -> file(t, target.toString(), "PWNED"));
    BadEntry e = assertThrows(BadEntry.class, () -> extract("", ArchiveFormat.TAR, tar));
    assertTrue(e.getMessage().contains("absolute"), e.getMessage());
    assertFalse(Files.exists(target));
  }

  @Test
  void aSymlinkEntryIsRefusedSoAFileThroughItNeverReachesItsTarget() throws IOException {
    byte[] tar =
        tar(
            t -> {
              TarArchiveEntry link = new TarArchiveEntry("evil", TarArchiveEntry.LF_SYMLINK);
              link.setLinkName(outside.toString());
              t.putArchiveEntry(link);
              t.closeArchiveEntry();
              file(t, "evil/x", "PWNED");
            });
    BadEntry e = assertThrows(BadEntry.class, () -> extract("", ArchiveFormat.TAR, tar));
    assertEquals("evil", e.entry());
    assertFalse(Files.exists(ws.resolve("evil"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(outside.resolve("x")));
  }

  @Test
  void aFileThroughALinkTheReplPlantedIsRefused() throws IOException {
    Files.createSymbolicLink(ws.resolve("planted"), outside);
    byte[] tar = tar(t -> file(t, "planted/x", "PWNED"));
    BadEntry e = assertThrows(BadEntry.class, () -> extract("", ArchiveFormat.TAR, tar));
    assertEquals(403, e.status());
    assertFalse(Files.exists(outside.resolve("x")));
    // The target folder itself as a link: refused before any entry.
    ApiException folder =
        assertThrows(
            ApiException.class,
            () -> extract("planted", ArchiveFormat.TAR, tar(t -> file(t, "y", "PWNED"))));
    assertEquals(403, folder.status());
    assertFalse(Files.exists(outside.resolve("y")));
  }

  @Test
  void hardLinksAndDevicesAreRefused() throws IOException {
    byte[] hard =
        tar(
            t -> {
              TarArchiveEntry link = new TarArchiveEntry("h", TarArchiveEntry.LF_LINK);
              link.setLinkName("/etc/passwd");
              t.putArchiveEntry(link);
              t.closeArchiveEntry();
            });
    assertEquals(
        "h", assertThrows(BadEntry.class, () -> extract("", ArchiveFormat.TAR, hard)).entry());
    byte[] device =
        tar(
            t -> {
              TarArchiveEntry dev = new TarArchiveEntry("d", TarArchiveEntry.LF_CHR);
              t.putArchiveEntry(dev);
              t.closeArchiveEntry();
            });
    assertEquals(
        "d", assertThrows(BadEntry.class, () -> extract("", ArchiveFormat.TAR, device)).entry());
  }

  @Test
  void aHugeDeclaredSizeIsRefusedBeforeItsBytesAreRead() throws IOException {
    // A header declaring 1 TiB, followed by nothing: refused on the header alone.
    TarArchiveEntry huge = new TarArchiveEntry("huge.bin");
    huge.setSize(1L << 40);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TarArchiveOutputStream t = new TarArchiveOutputStream(bytes);
    t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    t.putArchiveEntry(huge);
    t.flush();
    BadEntry e =
        assertThrows(BadEntry.class, () -> extract("", ArchiveFormat.TAR, bytes.toByteArray()));
    assertEquals(413, e.status());
    assertFalse(Files.exists(ws.resolve("huge.bin")));
  }

  @Test
  void aZipBombStopsAtTheExpandedLimitCountedOnWhatIsWritten() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
      zip.putArchiveEntry(new ZipArchiveEntry("zeros.bin"));
      byte[] zeros = new byte[64 * 1024];
      for (int i = 0; i < 64; i++) zip.write(zeros); // 4 MiB of zeros, a few KiB compressed
      zip.closeArchiveEntry();
    }
    BadEntry e =
        assertThrows(BadEntry.class, () -> extract("", ArchiveFormat.ZIP, bytes.toByteArray()));
    assertEquals(413, e.status());
    assertFalse(Files.exists(ws.resolve("zeros.bin")));
    try (var left = Files.list(ws)) {
      assertEquals(List.of(), left.toList(), "no temporary file is left behind");
    }
  }

  @Test
  void tooManyEntriesAreRefused() throws IOException {
    byte[] tar =
        tar(
            t -> {
              for (int i = 0; i < 60; i++) file(t, "f" + i, "x");
            });
    assertEquals(
        413, assertThrows(BadEntry.class, () -> extract("", ArchiveFormat.TAR, tar)).status());
  }

  @Test
  void aZipEntryLeadingOutIsRefused() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
      zip.putArchiveEntry(new ZipArchiveEntry("../../outside/z"));
      zip.write("PWNED".getBytes(StandardCharsets.UTF_8));
      zip.closeArchiveEntry();
    }
    assertThrows(BadEntry.class, () -> extract("a/b", ArchiveFormat.ZIP, bytes.toByteArray()));
    assertFalse(Files.exists(outside.resolve("z")));
  }

  @Test
  void aFolderGoesOutAsTarAndComesBackByteExactWithLinksAndFifosLeftOut() throws Exception {
    byte[] binary = new byte[300_000];
    new Random(7).nextBytes(binary);
    Files.createDirectories(ws.resolve("proj/src/deep"));
    Files.write(ws.resolve("proj/src/deep/blob.bin"), binary);
    Files.writeString(ws.resolve("proj/run.sh"), "#!/bin/sh\necho hi\n");
    ws.resolve("proj/run.sh").toFile().setExecutable(true);
    String longName = "n".repeat(150) + "/" + "m".repeat(120) + ".txt";
    Files.createDirectories(ws.resolve("proj").resolve(longName).getParent());
    Files.writeString(ws.resolve("proj").resolve(longName), "long");
    Files.createSymbolicLink(ws.resolve("proj/link-to-outside"), outside);
    Files.writeString(outside.resolve("secret"), "SECRET");
    new ProcessBuilder("mkfifo", ws.resolve("proj/fifo").toString()).start().waitFor();

    for (ArchiveFormat format : ArchiveFormat.values()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ArchiveDownload download = new ArchiveDownload(tree, settings);
      download.count("proj");
      download.write("proj", format, out);
      assertFalse(HostBytes.contains(out.toByteArray(), "SECRET".getBytes(StandardCharsets.UTF_8)));
      List<String> changed = new ArrayList<>();
      ArchiveExtraction.Result r =
          extract("copy-" + format.name(), format, out.toByteArray(), changed);
      assertEquals(3, r.files(), format.name());
      Path copy = ws.resolve("copy-" + format.name());
      assertArrayEquals(binary, Files.readAllBytes(copy.resolve("src/deep/blob.bin")));
      assertEquals("long", Files.readString(copy.resolve(longName)));
      // A streamed zip's local headers carry no Unix mode (only its central directory does).
      if (format != ArchiveFormat.ZIP)
        assertTrue(Files.isExecutable(copy.resolve("run.sh")), format.name());
      assertFalse(Files.exists(copy.resolve("link-to-outside"), LinkOption.NOFOLLOW_LINKS));
      assertFalse(Files.exists(copy.resolve("fifo"), LinkOption.NOFOLLOW_LINKS));
      assertTrue(
          changed.contains("copy-" + format.name() + "/src/deep/blob.bin"), changed.toString());
    }
  }

  @Test
  void aFolderTooLargeToArchiveIsRefusedBeforeAByte() throws IOException {
    Files.createDirectories(ws.resolve("big"));
    Files.write(ws.resolve("big/a"), new byte[(1 << 20) + 1]);
    assertEquals(
        413,
        assertThrows(ApiException.class, () -> new ArchiveDownload(tree, settings).count("big"))
            .status());
  }

  interface TarBody {
    void write(TarArchiveOutputStream t) throws IOException;
  }

  private static byte[] tar(TarBody body) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bytes)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      body.write(t);
    }
    return bytes.toByteArray();
  }

  private static void file(TarArchiveOutputStream t, String name, String content)
      throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setSize(bytes.length);
    t.putArchiveEntry(e);
    t.write(bytes);
    t.closeArchiveEntry();
  }

  /** Byte search, for "the host's secret is not in the archive". */
  static final class HostBytes {
    static boolean contains(byte[] haystack, byte[] needle) {
      outer:
      for (int i = 0; i + needle.length <= haystack.length; i++) {
        for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
        return true;
      }
      return false;
    }
  }
}
