package io.pier.node.workspace;

import io.pier.node.workspace.linux.SyscallException;
import io.pier.node.workspace.linux.Syscalls;
import io.pier.node.workspace.linux.Syscalls.Dirent;
import io.pier.node.workspace.linux.Syscalls.Kind;
import io.pier.node.workspace.linux.Syscalls.Stat;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A walk of a workspace through open folder descriptors: each folder is opened by one name below its parent, never
 * through a link, so a folder swapped for a link during the walk is skipped, not followed. Bounded: folders deeper
 * than {@link #MAX_DEPTH} and entries past {@link #MAX_ENTRIES} are reported and skipped, as are names that are not
 * UTF-8 (they cannot be workspace paths) and the temporary names of saves ({@link WorkspaceTree#TEMP_SUFFIX}).
 */
public final class TreeWalk {
  public static final int MAX_DEPTH = 512;
  public static final int MAX_ENTRIES = 500_000;

  /** What a walk reports. */
  public interface Visitor {
    /**
     * A folder below the root.
     *
     * @param open a path that names exactly the folder opened, valid during this call only (to watch it)
     * @return whether to walk into it
     */
    boolean directory(String path, Path open);

    /** A regular file, with what {@code statx} says of it. */
    void file(String path, Stat stat);

    /** A link, FIFO, socket or device: never opened. */
    default void other(String path, Kind kind) {}

    /** Something skipped that the user should hear of: a name that is not UTF-8, a tree too deep or too large. */
    default void refused(String path, String reason) {}
  }

  private final Visitor visitor;
  private int seen;
  private boolean full;

  TreeWalk(Visitor visitor) {
    this.visitor = visitor;
  }

  /** Walks below the open folder {@code dirFd}, which is the workspace path {@code path}. */
  void walk(int dirFd, String path) {
    visit(dirFd, path, path.isEmpty() ? 0 : path.split("/").length);
  }

  private void visit(int dirFd, String path, int depth) {
    for (Dirent entry : Syscalls.list(dirFd, MAX_ENTRIES - seen + 1)) {
      if (full) return;
      if (++seen > MAX_ENTRIES) {
        full = true;
        visitor.refused(
            path,
            "the workspace has more than " + MAX_ENTRIES + " entries; the rest is not synced");
        return;
      }
      String name = decode(entry.name());
      if (name == null) {
        visitor.refused(join(path, entry.nameText()), "the name is not valid UTF-8");
        continue;
      }
      if (name.endsWith(WorkspaceTree.TEMP_SUFFIX)) continue;
      String child = join(path, name);
      byte[] cName = Syscalls.terminated(entry.name());
      if (entry.kind() == Kind.DIR) {
        if (depth + 1 > MAX_DEPTH) {
          visitor.refused(child, "folders deeper than " + MAX_DEPTH + " levels are not synced");
          continue;
        }
        int fd;
        try {
          fd = Syscalls.openDirBeneath(dirFd, cName);
        } catch (SyscallException gone) {
          continue;
        }
        try {
          if (visitor.directory(child, Path.of("/proc/self/fd/" + fd))) visit(fd, child, depth + 1);
        } finally {
          Syscalls.close(fd);
        }
      } else if (entry.kind() == Kind.FILE) {
        Stat stat;
        try {
          stat = Syscalls.statAt(dirFd, cName);
        } catch (SyscallException gone) {
          continue;
        }
        if (stat.kind() == Kind.FILE) {
          visitor.file(child, stat);
        } else {
          visitor.other(child, stat.kind());
        }
      } else {
        visitor.other(child, entry.kind());
      }
    }
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "/" + name;
  }

  /** The name as text, or null when it is not valid UTF-8. */
  static String decode(byte[] name) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(name))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
