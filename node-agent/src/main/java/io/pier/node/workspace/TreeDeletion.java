package io.pier.node.workspace;

import io.pier.node.workspace.linux.SyscallException;
import io.pier.node.workspace.linux.Syscalls;
import io.pier.node.workspace.linux.Syscalls.Dirent;
import io.pier.node.workspace.linux.Syscalls.Kind;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Deletes entries below open folder descriptors, never following a link: each folder is opened by one name below
 * its parent ({@code O_NOFOLLOW}), emptied through that descriptor, then removed by name. A folder that the repl
 * swaps for a link meanwhile fails to open as a folder and is removed as the link it now is. Folders deeper than
 * {@link #MAX_DEPTH} are moved up to the root under a temporary name and deleted from there, so that a very deep
 * tree never holds more than that many descriptors.
 */
final class TreeDeletion {
  private static final int MAX_DEPTH = 64;
  private static final int ATTEMPTS = 5;

  private final int rootFd;
  private final Deque<byte[]> movedUp = new ArrayDeque<>();

  TreeDeletion(int rootFd) {
    this.rootFd = rootFd;
  }

  /** Deletes the entry {@code name} of the open folder {@code dirFd}. */
  void delete(int dirFd, byte[] name) {
    deleteEntry(dirFd, name, 0);
    deleteMovedUp();
  }

  /** Deletes everything in the open folder, leaving it empty. */
  Void deleteContents(int dirFd) {
    deleteChildren(dirFd, 0);
    deleteMovedUp();
    return null;
  }

  private void deleteMovedUp() {
    while (!movedUp.isEmpty()) deleteEntry(rootFd, movedUp.poll(), 0);
  }

  private void deleteChildren(int dirFd, int depth) {
    for (Dirent entry : Syscalls.list(dirFd, Integer.MAX_VALUE)) {
      deleteEntry(dirFd, Syscalls.terminated(entry.name()), depth);
    }
  }

  private void deleteEntry(int dirFd, byte[] name, int depth) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Kind kind;
      try {
        kind = Syscalls.statAt(dirFd, name).kind();
      } catch (SyscallException e) {
        if (e.errno() == Syscalls.ENOENT) return;
        throw e;
      }
      try {
        if (kind != Kind.DIR) {
          Syscalls.unlinkAt(dirFd, name, false);
          return;
        }
        if (depth >= MAX_DEPTH) {
          byte[] temp =
              Syscalls.bytes(
                  ".pier-delete-" + WorkspaceTree.randomHex() + WorkspaceTree.TEMP_SUFFIX);
          Syscalls.renameAt(dirFd, name, rootFd, temp, false);
          movedUp.add(temp);
          return;
        }
        int child = Syscalls.openDirBeneath(dirFd, name);
        try {
          deleteChildren(child, depth + 1);
        } finally {
          Syscalls.close(child);
        }
        Syscalls.unlinkAt(dirFd, name, true);
        return;
      } catch (SyscallException e) {
        if (e.errno() == Syscalls.ENOENT) return;
        // Swapped for something else (a link, a file, a folder) or refilled by a process: look
        // again.
        boolean raced =
            e.errno() == Syscalls.ELOOP
                || e.errno() == Syscalls.ENOTDIR
                || e.errno() == Syscalls.EISDIR
                || e.errno() == Syscalls.ENOTEMPTY
                || e.errno() == Syscalls.EEXIST;
        if (!raced || attempt == ATTEMPTS - 1) throw e;
      }
    }
  }
}
