package io.pier.node.session;

import io.pier.common.store.StorageKeys;
import io.pier.common.store.StorageLayout;
import io.pier.node.workspace.PathReports;
import io.pier.node.workspace.TreeWalk;
import io.pier.node.workspace.WorkspaceAccessException;
import io.pier.node.workspace.WorkspaceTree;
import io.pier.node.workspace.linux.Syscalls;
import io.pier.node.workspace.linux.Syscalls.Kind;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file operations of IDE sessions on one workspace, all through its {@link WorkspaceTree}: links are never
 * followed, special files never opened, and each refusal becomes a protocol error. Blocking; call off the event
 * loop. Files written here are handed to the repl's user.
 */
public final class WorkspaceFiles {
  /** The largest file the IDE reads or writes. */
  public static final int MAX_FILE_BYTES = 2 * 1024 * 1024;

  /** The most entries one folder listing returns; a larger folder's listing says it is truncated. */
  public static final int MAX_LIST_ENTRIES = 20_000;

  private static final Logger LOG = LoggerFactory.getLogger(WorkspaceFiles.class);

  private final WorkspaceTree tree;

  /** The storage key prefix of this workspace's files: a name that cannot follow it is not saved at all. */
  private final String keyPrefix;

  /** @param root the workspace folder, named after its repl's slug */
  public WorkspaceFiles(Path root) {
    this(WorkspaceTree.of(root), StorageLayout.replFiles(root.getFileName().toString()));
  }

  public WorkspaceFiles(WorkspaceTree tree, String keyPrefix) {
    this.tree = tree;
    this.keyPrefix = keyPrefix;
  }

  public WorkspaceTree tree() {
    return tree;
  }

  public Listing list(String path) {
    return FolderListing.list(tree, path);
  }

  /** One entry of a folder listing. Type {@code link} or {@code other} entries cannot be opened. */
  public record Entry(String name, String path, String type, long size) {}

  /** A folder's entries, folders first, and whether there were more than {@link #MAX_LIST_ENTRIES}. */
  public record Listing(List<Entry> entries, boolean truncated) {}

  /** A file's text and version. */
  public record Text(String content, String version, long size) {}

  public Text read(String path) {
    byte[] bytes = readBytes(path);
    return new Text(Utf8Text.decode(bytes, path), version(bytes), bytes.length);
  }

  /** True when the path names an entry, of any kind. */
  public boolean exists(String path) {
    return TreeRefusals.guarded(path, () -> tree.stat(path).isPresent());
  }

  /** True when the path names a folder itself (not a link to one). */
  public boolean isDirectory(String path) {
    return TreeRefusals.guarded(
        path, () -> tree.stat(path).map(s -> s.kind() == Kind.DIR).orElse(false));
  }

  /**
   * Replaces a file's content, creating it (and its folders) if needed.
   *
   * @param baseVersion the version the new content was based on, or null to overwrite whatever is there
   * @return the new version
   */
  public synchronized String write(String path, String content, String baseVersion) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_FILE_BYTES) throw tooLarge(path);
    requireStorable(path);
    if (baseVersion != null) {
      String current = exists(path) ? version(readBytes(path)) : null;
      if (!baseVersion.equals(current)) throw conflict(path, current);
    }
    TreeRefusals.guarded(
        path,
        () -> {
          tree.write(path, bytes);
          return null;
        });
    return version(bytes);
  }

  /**
   * Applies changes made against {@code baseVersion}: each replaces [from, to) of the base text with its insert.
   *
   * @return the new version
   */
  public synchronized String edit(String path, String baseVersion, List<Change> changes) {
    byte[] current = readBytes(path);
    String currentVersion = version(current);
    if (!currentVersion.equals(baseVersion)) throw conflict(path, currentVersion);
    String text = Utf8Text.decode(current, path);
    StringBuilder result = new StringBuilder(text.length() + 64);
    int at = 0;
    for (Change change : changes) {
      if (change.from() < at || change.to() < change.from() || change.to() > text.length()) {
        throw new SessionException(
            "bad_request", "changes must be sorted, not overlapping and inside the text");
      }
      result.append(text, at, change.from()).append(change.insert());
      at = change.to();
    }
    result.append(text, at, text.length());
    byte[] bytes = result.toString().getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_FILE_BYTES) throw tooLarge(path);
    TreeRefusals.guarded(
        path,
        () -> {
          tree.write(path, bytes);
          return null;
        });
    return version(bytes);
  }

  /** One replacement in an {@link #edit}. */
  public record Change(int from, int to, String insert) {}

  /** Creates a file (with optional content) or a folder. @return the file's version, or null for a folder */
  public synchronized String create(String path, boolean directory, String content) {
    if (path.isEmpty()) throw new SessionException("exists", "the workspace exists");
    requireStorable(path);
    byte[] bytes = (content == null ? "" : content).getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_FILE_BYTES) throw tooLarge(path);
    return TreeRefusals.guarded(
        path,
        () -> {
          if (directory) {
            tree.createDirectory(path);
            return null;
          }
          tree.write(path, new ByteArrayInputStream(bytes), false);
          return version(bytes);
        });
  }

  public synchronized void rename(String from, String to) {
    if (from.isEmpty() || to.isEmpty())
      throw new SessionException("bad_path", "the workspace itself cannot move");
    if (to.startsWith(from + "/"))
      throw new SessionException("bad_path", "cannot move a folder into itself");
    requireStorable(to);
    if (!exists(from)) throw new SessionException("not_found", "no such file: " + from);
    TreeRefusals.guarded(
        to,
        () -> {
          tree.rename(from, to);
          return null;
        });
  }

  public synchronized void delete(String path) {
    if (path.isEmpty())
      throw new SessionException("bad_path", "the workspace itself cannot be deleted");
    if (!exists(path)) throw new SessionException("not_found", "no such file: " + path);
    TreeRefusals.guarded(
        path,
        () -> {
          tree.delete(path);
          return null;
        });
  }

  /** The version of some content: a short hash of its bytes. */
  public static String version(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The current version of a file, or null when it is missing, not a regular file or too large to version. */
  public String versionOf(String path) {
    try {
      return version(tree.read(path, MAX_FILE_BYTES));
    } catch (WorkspaceAccessException e) {
      return null;
    }
  }

  /** Every folder and regular file below {@code path}, for a watcher; see {@link WorkspaceTree#walk}. */
  public void walk(String path, TreeWalk.Visitor visitor) {
    TreeRefusals.guarded(
        path,
        () -> {
          tree.walk(path, visitor);
          return null;
        });
  }

  public Optional<Kind> kindOf(String path) {
    try {
      return tree.stat(path).map(Syscalls.Stat::kind);
    } catch (WorkspaceAccessException e) {
      return Optional.empty();
    }
  }

  /** Refuses a name that storage could not hold: saved here, it would be lost when the repl stops. */
  private void requireStorable(String path) {
    TreeRefusals.guarded(
        path,
        () -> {
          WorkspaceTree.check(path);
          return null;
        });
    StorageKeys.problem(keyPrefix, path)
        .ifPresent(
            problem -> {
              LOG.warn("refused a save of {}: {}", PathReports.printable(path), problem);
              throw new SessionException("bad_name", "this name cannot be saved: " + problem);
            });
  }

  private byte[] readBytes(String path) {
    return TreeRefusals.guarded(path, () -> tree.read(path, MAX_FILE_BYTES));
  }

  private static SessionException tooLarge(String path) {
    return new SessionException(
        "too_large", path + " is larger than " + MAX_FILE_BYTES / (1024 * 1024) + " MiB");
  }

  private static SessionException conflict(String path, String current) {
    return new VersionConflict(path, current);
  }

  /** A save based on an old version. {@link #currentVersion()} is null when the file no longer exists. */
  public static final class VersionConflict extends SessionException {
    private final String currentVersion;

    VersionConflict(String path, String currentVersion) {
      super("conflict", path + " changed since it was read");
      this.currentVersion = currentVersion;
    }

    public String currentVersion() {
      return currentVersion;
    }
  }
}
