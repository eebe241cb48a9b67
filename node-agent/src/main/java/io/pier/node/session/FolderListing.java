package io.pier.node.session;

import static io.pier.node.session.WorkspaceFiles.MAX_LIST_ENTRIES;

import io.pier.node.session.WorkspaceFiles.Entry;
import io.pier.node.session.WorkspaceFiles.Listing;
import io.pier.node.workspace.WorkspaceAccessException;
import io.pier.node.workspace.WorkspaceTree;
import io.pier.node.workspace.linux.Syscalls;
import io.pier.node.workspace.linux.Syscalls.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A folder of a workspace as the IDE's file tree shows it: the folder itself, never a link to one, entries typed by
 * what they are (links and special files listed, not followed), temporary names left out, folders first.
 */
final class FolderListing {
  private FolderListing() {}

  static Listing list(WorkspaceTree tree, String path) {
    return TreeRefusals.guarded(
        path,
        () -> {
          Kind kind =
              tree.stat(path)
                  .map(Syscalls.Stat::kind)
                  .orElseThrow(() -> new SessionException("not_found", "no such folder: " + path));
          if (kind == Kind.LINK)
            throw new SessionException("bad_path", path + " is a symbolic link, never followed");
          if (kind != Kind.DIR) throw new SessionException("not_a_dir", "not a folder: " + path);
          List<Syscalls.Dirent> dirents = tree.list(path, MAX_LIST_ENTRIES + 1);
          List<Entry> entries = new ArrayList<>();
          for (Syscalls.Dirent d : dirents.subList(0, Math.min(dirents.size(), MAX_LIST_ENTRIES))) {
            String name = d.nameText();
            String child = path.isEmpty() ? name : path + "/" + name;
            if (name.endsWith(WorkspaceTree.TEMP_SUFFIX)) continue;
            long size = 0;
            if (d.kind() == Kind.FILE) {
              try {
                size = tree.stat(child).map(Syscalls.Stat::size).orElse(0L);
              } catch (WorkspaceAccessException e) {
                // a name that is not UTF-8 cannot be looked up by its text: listed without a size
              }
            }
            entries.add(new Entry(name, child, type(d.kind()), size));
          }
          entries.sort(
              Comparator.comparing((Entry e) -> !e.type().equals("dir"))
                  .thenComparing(Entry::name));
          return new Listing(entries, dirents.size() > MAX_LIST_ENTRIES);
        });
  }

  private static String type(Kind kind) {
    return switch (kind) {
      case DIR -> "dir";
      case FILE -> "file";
      case LINK -> "link";
      case OTHER -> "other";
    };
  }
}
