package io.pier.node.workspace.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Platform;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Linux file calls relative to open folder descriptors, none of which follows a symbolic link: {@code openat2} with
 * {@code RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV} for paths, {@code O_NOFOLLOW} and the
 * {@code *at} calls for single names. Files are opened {@code O_NONBLOCK}, so that opening a FIFO never waits for
 * a writer. Errors are {@link SyscallException}s carrying the errno.
 */
public final class Syscalls {
  public static final int ENOENT = 2;
  public static final int ENXIO = 6;
  public static final int EAGAIN = 11;
  public static final int EEXIST = 17;
  public static final int EXDEV = 18;
  public static final int ENOTDIR = 20;
  public static final int EISDIR = 21;
  public static final int ENOSPC = 28;
  public static final int ENAMETOOLONG = 36;
  public static final int ENOTEMPTY = 39;
  public static final int ELOOP = 40;
  public static final int EDQUOT = 122;

  private static final int AT_FDCWD = -100;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  private static final int AT_REMOVEDIR = 0x200;
  private static final int AT_EMPTY_PATH = 0x1000;
  private static final int STATX_BASIC_STATS = 0x7ff;
  private static final long SYS_OPENAT2 = 437;
  private static final long RESOLVE_NO_XDEV = 0x01;
  private static final long RESOLVE_NO_SYMLINKS = 0x04;
  private static final long RESOLVE_BENEATH = 0x08;
  private static final int RENAME_NOREPLACE = 1;

  private static final int O_WRONLY = 01;
  private static final int O_CREAT = 0100;
  private static final int O_EXCL = 0200;
  private static final int O_NONBLOCK = 04000;
  private static final int O_CLOEXEC = 02000000;

  /** The two flags whose values differ between the architectures Pier runs on. */
  private static final int O_DIRECTORY;

  private static final int O_NOFOLLOW;

  static {
    if (Platform.isIntel() && Platform.is64Bit()) {
      O_DIRECTORY = 0200000;
      O_NOFOLLOW = 0400000;
    } else if (Platform.isARM() && Platform.is64Bit()) {
      O_DIRECTORY = 040000;
      O_NOFOLLOW = 0100000;
    } else {
      throw new IllegalStateException(
          "workspace file access supports Linux on x86_64 and aarch64 only");
    }
  }

  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFLNK = 0120000;

  private static final LibC C = LibC.INSTANCE;

  private Syscalls() {}

  /** What a directory entry is. {@code OTHER} is a FIFO, socket or device: never opened. */
  public enum Kind {
    FILE,
    DIR,
    LINK,
    OTHER
  }

  /** {@code statx} of one entry, never of what a link points to; {@code mode} holds the permission bits only. */
  public record Stat(Kind kind, long size, long modifiedMillis, int mode, int uid, int gid) {}

  /** A raw directory entry: its name's bytes (not always UTF-8) and its type as {@code getdents64} gives it. */
  public record Dirent(byte[] name, Kind kind) {
    public String nameText() {
      return new String(name, StandardCharsets.UTF_8);
    }
  }

  /** Opens a folder by absolute path, not following a link in its last element: a workspace root. */
  public static int openRoot(String absolutePath) {
    return call(
        "open " + absolutePath,
        () -> C.openat(AT_FDCWD, bytes(absolutePath), O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0));
  }

  /** Opens a folder below {@code dirfd}; every element of {@code relative} must be a real folder. */
  public static int openDirBeneath(int dirfd, byte[] relative) {
    return openat2(dirfd, relative, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  }

  /** Opens an entry below {@code dirfd} for reading, without blocking (a FIFO opens at once); check its type. */
  public static int openReadBeneath(int dirfd, byte[] relative) {
    return openat2(dirfd, relative, O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  }

  /** Creates a new file named {@code name} in {@code dirfd}, failing if anything (a link too) has that name. */
  public static int createExclusive(int dirfd, byte[] name, int mode) {
    return call(
        "create",
        () -> C.openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
  }

  private static int openat2(int dirfd, byte[] relative, int flags) {
    Memory how = new Memory(24);
    how.setLong(0, flags & 0xffffffffL);
    how.setLong(8, 0);
    how.setLong(16, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV);
    return call("openat2", () -> (int) C.syscall(SYS_OPENAT2, (long) dirfd, relative, how, 24L));
  }

  /** {@code statx} of the entry {@code name} in {@code dirfd}, the entry itself when it is a link. */
  public static Stat statAt(int dirfd, byte[] name) {
    byte[] buffer = new byte[256];
    call("statx", () -> C.statx(dirfd, name, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buffer));
    return stat(buffer);
  }

  /** {@code statx} of what {@code fd} has open. */
  public static Stat stat(int fd) {
    byte[] buffer = new byte[256];
    call("fstat", () -> C.statx(fd, new byte[] {0}, AT_EMPTY_PATH, STATX_BASIC_STATS, buffer));
    return stat(buffer);
  }

  private static Stat stat(byte[] statx) {
    ByteBuffer b = ByteBuffer.wrap(statx).order(ByteOrder.LITTLE_ENDIAN);
    int mode = b.getShort(0x1c) & 0xffff;
    int uid = b.getInt(0x14);
    int gid = b.getInt(0x18);
    long size = b.getLong(0x28);
    long modified = b.getLong(0x70) * 1000 + b.getInt(0x78) / 1_000_000;
    Kind kind =
        switch (mode & S_IFMT) {
          case S_IFREG -> Kind.FILE;
          case S_IFDIR -> Kind.DIR;
          case S_IFLNK -> Kind.LINK;
          default -> Kind.OTHER;
        };
    return new Stat(kind, size, modified, mode & 07777, uid, gid);
  }

  /** Every entry of the open folder but {@code .} and {@code ..}, at most {@code max} of them. */
  public static List<Dirent> list(int dirfd, int max) {
    List<Dirent> entries = new ArrayList<>();
    byte[] buffer = new byte[32 * 1024];
    while (entries.size() < max) {
      long n = call("getdents64", () -> C.getdents64(dirfd, buffer, buffer.length));
      if (n <= 0) break;
      ByteBuffer b = ByteBuffer.wrap(buffer, 0, (int) n).order(ByteOrder.LITTLE_ENDIAN);
      for (int at = 0; at < n && entries.size() < max; ) {
        int length = b.getShort(at + 16) & 0xffff;
        int type = b.get(at + 18) & 0xff;
        int end = at + 19;
        while (end < at + length && buffer[end] != 0) end++;
        byte[] name = Arrays.copyOfRange(buffer, at + 19, end);
        at += length;
        if (isDotOrDotDot(name)) continue;
        entries.add(
            new Dirent(
                name,
                switch (type) {
                  case 4 -> Kind.DIR;
                  case 8 -> Kind.FILE;
                  case 10 -> Kind.LINK;
                  case 0 -> statAt(dirfd, terminated(name)).kind();
                  default -> Kind.OTHER;
                }));
      }
    }
    return entries;
  }

  private static boolean isDotOrDotDot(byte[] name) {
    return (name.length == 1 && name[0] == '.')
        || (name.length == 2 && name[0] == '.' && name[1] == '.');
  }

  /** Reads up to {@code length} bytes; returns 0 at the end, -1 when a non-blocking read would wait. */
  public static int read(int fd, byte[] buffer, int length) {
    try {
      return (int) C.read(fd, buffer, length);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == EAGAIN) return -1;
      throw new SyscallException("read", e.getErrorCode());
    }
  }

  /** Moves the file offset of {@code fd} forward by {@code bytes} ({@code SEEK_CUR}). */
  public static void skip(int fd, long bytes) {
    call("lseek", () -> C.lseek(fd, bytes, 1));
  }

  public static void writeFully(int fd, byte[] bytes, int length) {
    byte[] rest = bytes;
    int left = length;
    while (left > 0) {
      byte[] chunk = rest;
      int count = left;
      int written = (int) (long) call("write", () -> C.write(fd, chunk, count));
      left -= written;
      if (left > 0) rest = Arrays.copyOfRange(rest, written, written + left);
    }
  }

  public static void fsync(int fd) {
    call("fsync", () -> C.fsync(fd));
  }

  /** Writes out everything of the filesystem {@code fd} is on that is not on disk yet. */
  public static void syncfs(int fd) {
    call("syncfs", () -> C.syncfs(fd));
  }

  public static void chown(int fd, int uid, int gid) {
    call("fchown", () -> C.fchown(fd, uid, gid));
  }

  public static void chmod(int fd, int mode) {
    call("fchmod", () -> C.fchmod(fd, mode));
  }

  /** Changes the owner of the entry itself, a link's own owner when it is one. */
  public static void chownAt(int dirfd, byte[] name, int uid, int gid) {
    call("fchownat", () -> C.fchownat(dirfd, name, uid, gid, AT_SYMLINK_NOFOLLOW));
  }

  public static void mkdirAt(int dirfd, byte[] name, int mode) {
    call("mkdirat", () -> C.mkdirat(dirfd, name, mode));
  }

  public static void unlinkAt(int dirfd, byte[] name, boolean directory) {
    call("unlinkat", () -> C.unlinkat(dirfd, name, directory ? AT_REMOVEDIR : 0));
  }

  /** Renames an entry; with {@code replace} false, fails with EEXIST when the target name is taken. */
  public static void renameAt(int fromDirfd, byte[] from, int toDirfd, byte[] to, boolean replace) {
    call(
        "renameat2",
        () -> C.renameat2(fromDirfd, from, toDirfd, to, replace ? 0 : RENAME_NOREPLACE));
  }

  public static void close(int fd) {
    try {
      C.close(fd);
    } catch (LastErrorException ignored) {
      // nothing to do about a failed close of a descriptor only read from or already fsync'd
    }
  }

  /** {@code text} as a NUL-terminated C string. */
  public static byte[] bytes(String text) {
    return terminated(text.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] terminated(byte[] name) {
    return Arrays.copyOf(name, name.length + 1);
  }

  private interface Call<T> {
    T run() throws LastErrorException;
  }

  private static <T> T call(String what, Call<T> call) {
    try {
      return call.run();
    } catch (LastErrorException e) {
      throw new SyscallException(what, e.getErrorCode());
    }
  }
}
