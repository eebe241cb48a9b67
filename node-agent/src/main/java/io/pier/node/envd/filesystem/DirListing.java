package io.pier.node.envd.filesystem;

import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.envd.filesystem.EnvdPaths.EnvdPath;
import io.pier.node.files.FileReads;
import io.pier.node.workspace.PathReports;
import io.pier.node.workspace.TreeWalk;
import io.pier.node.workspace.WorkspaceTree;
import io.pier.node.workspace.linux.Syscalls.Dirent;
import io.pier.node.workspace.linux.Syscalls.Kind;
import io.pier.node.workspace.linux.Syscalls.Stat;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code ListDir}: the entries below a folder down to a depth, in the order envd's walk gives them (each folder's
 * entries by name, a folder's contents right after it). Every folder is listed and every entry stat-ed through the
 * {@link WorkspaceTree}, so a link is listed as the link it is and never entered, a folder swapped for a link meanwhile
 * is skipped, a FIFO is never opened. Bounded: at most {@link #MAX_ENTRIES} entries (past that the call fails, naming
 * the bound, rather than answering part of the tree as if it were all) and {@link TreeWalk#MAX_DEPTH} levels. Names
 * that are not UTF-8 and the temporary names of saves are left out. Blocking.
 */
final class DirListing {
  static final int MAX_ENTRIES = FileReads.MAX_LIST_ENTRIES;

  private final WorkspaceTree tree;
  private final List<JsonObject> entries = new ArrayList<>();

  private DirListing(WorkspaceTree tree) {
    this.tree = tree;
  }

  /** @param depth 1 for the folder's own entries; 0 means 1, as in envd */
  static List<JsonObject> list(WorkspaceTree tree, EnvdPath folder, long depth) {
    Stat self =
        tree.stat(folder.relative())
            .orElseThrow(
                () ->
                    new ConnectException(
                        ConnectCode.NOT_FOUND,
                        "no such folder: " + PathReports.printable(folder.shown())));
    if (self.kind() == Kind.LINK)
      throw new ConnectException(
          ConnectCode.PERMISSION_DENIED,
          PathReports.printable(folder.shown()) + " is a symbolic link, which Pier never follows");
    if (self.kind() != Kind.DIR)
      throw new ConnectException(
          ConnectCode.INVALID_ARGUMENT,
          "not a directory: " + PathReports.printable(folder.shown()));
    int levels = (int) Math.min(Math.max(depth, 1), TreeWalk.MAX_DEPTH);
    DirListing listing = new DirListing(tree);
    listing.visit(folder, levels, true);
    return listing.entries;
  }

  private void visit(EnvdPath folder, int levelsLeft, boolean top) {
    List<Dirent> dirents;
    try {
      dirents = tree.list(folder.relative(), MAX_ENTRIES - entries.size() + 1);
    } catch (RuntimeException swappedOrGone) {
      if (top) throw swappedOrGone;
      return;
    }
    List<String> names = new ArrayList<>();
    for (Dirent d : dirents) {
      String name = d.nameText();
      if (!Arrays.equals(name.getBytes(StandardCharsets.UTF_8), d.name())) continue;
      if (name.endsWith(WorkspaceTree.TEMP_SUFFIX)) continue;
      names.add(name);
    }
    names.sort(Comparator.naturalOrder());
    for (String name : names) {
      EnvdPath child = folder.child(name);
      Optional<Stat> stat;
      try {
        stat = tree.stat(child.relative());
      } catch (RuntimeException swappedOrGone) {
        continue;
      }
      if (stat.isEmpty()) continue;
      if (entries.size() >= MAX_ENTRIES)
        throw new ConnectException(
            ConnectCode.RESOURCE_EXHAUSTED,
            "more than " + MAX_ENTRIES + " entries: list a smaller folder or with less depth");
      entries.add(EntryInfos.of(child, stat.get()));
      if (stat.get().kind() == Kind.DIR && levelsLeft > 1) visit(child, levelsLeft - 1, false);
    }
  }
}
