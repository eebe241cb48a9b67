package io.pier.node.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.node.files.ArchiveEntries.Kind;
import org.junit.jupiter.api.Test;

class ArchiveEntriesTest {
  @Test
  void relativeFilesAndFoldersPassAndALeadingDotSlashIsTheRoot() {
    assertEquals("src/a.js", ArchiveEntries.check("src/a.js", Kind.FILE, 10, 100).name());
    assertEquals("src/a.js", ArchiveEntries.check("./src/a.js", Kind.FILE, 10, 100).name());
    assertEquals("src", ArchiveEntries.check("src/", Kind.DIR, 0, 100).name());
    assertTrue(ArchiveEntries.check("./", Kind.DIR, 0, 100).skip());
  }

  @Test
  void namesLeadingOutOfTheFolderAreRefusedNamingTheEntry() {
    for (String name :
        new String[] {"../x", "a/../../x", "/etc/x", "a//b", "a/./b", "a\\..\\b", "a\0b", ""}) {
      BadEntry e =
          assertThrows(BadEntry.class, () -> ArchiveEntries.check(name, Kind.FILE, 1, 100), name);
      assertEquals(400, e.status(), name);
      assertEquals(name, e.entry());
    }
  }

  @Test
  void linksDevicesAndFifosAreRefused() {
    for (Kind kind : new Kind[] {Kind.SYMLINK, Kind.HARDLINK, Kind.DEVICE, Kind.FIFO, Kind.OTHER}) {
      BadEntry e =
          assertThrows(BadEntry.class, () -> ArchiveEntries.check("x", kind, 0, 100), kind.name());
      assertEquals("bad_entry", e.code());
    }
  }

  @Test
  void aDeclaredSizePastTheBudgetIsRefusedBeforeAByteIsWritten() {
    BadEntry e =
        assertThrows(
            BadEntry.class, () -> ArchiveEntries.check("big.bin", Kind.FILE, 1L << 40, 1 << 20));
    assertEquals(413, e.status());
  }
}
