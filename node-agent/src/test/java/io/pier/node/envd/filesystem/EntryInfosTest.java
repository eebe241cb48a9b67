package io.pier.node.envd.filesystem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.pier.node.workspace.linux.Syscalls.Kind;
import io.pier.node.workspace.linux.Syscalls.Stat;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class EntryInfosTest {
  @Test
  void aFileIsProto3JsonOfEntryInfo() {
    JsonObject entry =
        EntryInfos.of(
            EnvdPaths.resolve("/home/user/src/a.txt"),
            new Stat(Kind.FILE, 1234, 1_700_000_000_123L, 0644, 1000, 1000));
    assertEquals(
        new JsonObject()
            .put("name", "a.txt")
            .put("type", "FILE_TYPE_FILE")
            .put("path", "/home/user/src/a.txt")
            .put("size", "1234")
            .put("mode", 0644)
            .put("permissions", "-rw-r--r--")
            .put("owner", "user")
            .put("group", "user")
            .put("modifiedTime", "2023-11-14T22:13:20.123Z"),
        entry);
  }

  @Test
  void foldersLinksAndSpecialFilesAreTypedAsE2bTypesThem() {
    JsonObject dir =
        EntryInfos.of(EnvdPaths.resolve("/workspace/d"), new Stat(Kind.DIR, 4096, 0, 0755, 0, 0));
    assertEquals("FILE_TYPE_DIRECTORY", dir.getString("type"));
    assertEquals("drwxr-xr-x", dir.getString("permissions"));
    assertEquals("root", dir.getString("owner"));
    assertEquals("1970-01-01T00:00:00Z", dir.getString("modifiedTime"));
    JsonObject link =
        EntryInfos.of(EnvdPaths.resolve("l"), new Stat(Kind.LINK, 11, 0, 0777, 1000, 1000));
    assertEquals("FILE_TYPE_SYMLINK", link.getString("type"));
    assertEquals("Lrwxrwxrwx", link.getString("permissions"));
    assertFalse(link.containsKey("symlinkTarget"));
    JsonObject fifo =
        EntryInfos.of(EnvdPaths.resolve("f"), new Stat(Kind.OTHER, 0, 0, 0644, 1001, 1001));
    assertFalse(fifo.containsKey("type"));
    assertEquals("?rw-r--r--", fifo.getString("permissions"));
    assertEquals("1001", fifo.getString("owner"));
  }

  @Test
  void specialBitsAreWrittenAsGoWritesThem() {
    assertEquals("urwxr-xr-x", EntryInfos.permissions(Kind.FILE, 04755));
    assertEquals("dtrwxrwxrwx", EntryInfos.permissions(Kind.DIR, 01777));
    assertEquals("gr-x------", EntryInfos.permissions(Kind.FILE, 02500));
    assertEquals("----------", EntryInfos.permissions(Kind.FILE, 0));
  }

  @Test
  void aWrittenFileIsListedAsEnvdListsIt() {
    assertEquals(
        new JsonObject()
            .put("path", "/home/user/a b.txt")
            .put("name", "a b.txt")
            .put("type", "file"),
        EntryInfos.written(EnvdPaths.resolve("a b.txt")));
  }
}
