package io.pier.node.envd.filesystem;

import io.pier.node.envd.filesystem.EnvdPaths.EnvdPath;
import io.pier.node.workspace.linux.Syscalls.Kind;
import io.pier.node.workspace.linux.Syscalls.Stat;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * {@code filesystem.EntryInfo} in proto3's JSON form (lowerCamel names, {@code int64} as a string, enums by name,
 * {@code Timestamp} as RFC 3339 in UTC) from what {@code statx} said of an entry, the entry itself and never what a
 * link points to. Like envd: {@code mode} is the permission bits, {@code permissions} is Go's {@code FileMode}
 * text ({@code -rw-r--r--}, {@code drwxr-xr-x}, {@code Lrwxrwxrwx}), {@code size} is the entry's own. A FIFO, socket
 * or device has no E2B type: {@code type} is left out (the SDK skips such entries in listings). A link's target is not
 * reported: Pier never reads what a link says either.
 */
public final class EntryInfos {
  public static final String FILE = "FILE_TYPE_FILE";
  public static final String DIRECTORY = "FILE_TYPE_DIRECTORY";
  public static final String SYMLINK = "FILE_TYPE_SYMLINK";

  /** The uid of a repl's user, shown as E2B's default user. */
  static final int REPL_UID = 1000;

  private EntryInfos() {}

  public static JsonObject of(EnvdPath path, Stat stat) {
    JsonObject entry = new JsonObject().put("name", path.name());
    String type = type(stat.kind());
    if (type != null) entry.put("type", type);
    return entry
        .put("path", path.shown())
        .put("size", String.valueOf(stat.size()))
        .put("mode", stat.mode() & 0777)
        .put("permissions", permissions(stat.kind(), stat.mode()))
        .put("owner", userName(stat.uid()))
        .put("group", userName(stat.gid()))
        .put("modifiedTime", Instant.ofEpochMilli(stat.modifiedMillis()).toString());
  }

  /** What envd answers for a file it wrote: name, path and type only. */
  public static JsonObject written(EnvdPath path) {
    return new JsonObject().put("path", path.shown()).put("name", path.name()).put("type", "file");
  }

  static String type(Kind kind) {
    return switch (kind) {
      case FILE -> FILE;
      case DIR -> DIRECTORY;
      case LINK -> SYMLINK;
      case OTHER -> null;
    };
  }

  /**
   * Go's {@code FileMode.String()}: type and special-bit letters ({@code d}, {@code L}, {@code ?} for other special
   * files, then {@code u} setuid, {@code g} setgid, {@code t} sticky), then {@code rwx} three times.
   */
  static String permissions(Kind kind, int mode) {
    StringBuilder text = new StringBuilder(12);
    switch (kind) {
      case DIR -> text.append('d');
      case LINK -> text.append('L');
      case OTHER -> text.append('?');
      case FILE -> {}
    }
    if ((mode & 04000) != 0) text.append('u');
    if ((mode & 02000) != 0) text.append('g');
    if ((mode & 01000) != 0) text.append('t');
    if (text.isEmpty()) text.append('-');
    String rwx = "rwxrwxrwx";
    for (int bit = 0; bit < 9; bit++) {
      text.append((mode & (1 << (8 - bit))) != 0 ? rwx.charAt(bit) : '-');
    }
    return text.toString();
  }

  /** The repl's user is E2B's {@code user}; root is {@code root}; any other id is shown as its number. */
  static String userName(int id) {
    if (id == REPL_UID) return "user";
    if (id == 0) return "root";
    return Integer.toUnsignedString(id);
  }
}
