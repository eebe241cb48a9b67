package io.pier.node.session;

import io.pier.node.workspace.DiskFull;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The file operations of IDE sessions on one workspace folder, confined to it: every path is checked before use,
 * symbolic links included. Blocking; call off the event loop. Files written here are handed to the repl's user.
 */
public final class WorkspaceFiles {
  /** The largest file the IDE reads or writes. */
  public static final int MAX_FILE_BYTES = 2 * 1024 * 1024;
  private static final int RUNNER_UID = 1000;

  private final Path root;
  private final boolean chown;

  public WorkspaceFiles(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.chown = "root".equals(System.getProperty("user.name"));
  }

  /** One entry of a folder listing. */
  public record Entry(String name, String path, String type, long size) {
  }

  /** A file's text and version. */
  public record Text(String content, String version, long size) {
  }

  /**
   * Resolves a protocol path whose content is used (read, written, listed): the path and, when it is a symbolic
   * link, its target must be inside the workspace.
   *
   * @throws SessionException {@code bad_path} for absolute paths, {@code .} or {@code ..} segments, NUL bytes, or a
   *     path that leads outside the workspace through a symbolic link
   */
  public Path resolve(String path) {
    Path resolved = resolveEntry(path);
    if (Files.exists(resolved)) checkInside(resolved, path);
    return resolved;
  }

  /**
   * Resolves a protocol path naming a directory entry itself (deleted or renamed, never followed): only the folders
   * leading to it must be inside the workspace, so that a link pointing outside can still be removed.
   */
  public Path resolveEntry(String path) {
    if (path == null) throw new SessionException("bad_path", "a path is required");
    if (path.indexOf('\0') >= 0 || path.startsWith("/") || path.contains("\\")) {
      throw new SessionException("bad_path", "paths are relative to the workspace: " + path);
    }
    for (String segment : path.split("/")) {
      if (segment.equals("..") || segment.equals(".")) {
        throw new SessionException("bad_path", "path segments '.' and '..' are not allowed: " + path);
      }
    }
    Path resolved = root.resolve(path).normalize();
    if (!resolved.startsWith(root)) throw new SessionException("bad_path", "path escapes the workspace: " + path);
    // The deepest existing folder on the way must really be inside: a symbolic link may point anywhere.
    Path existing = resolved.equals(root) ? root : resolved.getParent();
    while (existing != null && !Files.exists(existing)) existing = existing.getParent();
    if (existing != null) checkInside(existing, path);
    return resolved;
  }

  private void checkInside(Path existing, String path) {
    try {
      if (!existing.toRealPath().startsWith(root.toRealPath())) {
        throw new SessionException("bad_path", "path leads outside the workspace through a link: " + path);
      }
    } catch (IOException e) {
      throw new SessionException("bad_path", "cannot resolve " + path + ": " + e.getMessage());
    }
  }

  public String relative(Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  public List<Entry> list(String path) {
    Path dir = resolve(path);
    if (!Files.exists(dir)) throw new SessionException("not_found", "no such folder: " + path);
    if (!Files.isDirectory(dir)) throw new SessionException("not_a_dir", "not a folder: " + path);
    List<Entry> entries = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.toList()) {
        BasicFileAttributes attrs = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String type = attrs.isSymbolicLink() ? "link" : attrs.isDirectory() ? "dir" : "file";
        entries.add(new Entry(child.getFileName().toString(), relative(child), type, attrs.size()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    entries.sort(Comparator.comparing((Entry e) -> !e.type().equals("dir")).thenComparing(Entry::name));
    return entries;
  }

  public Text read(String path) {
    Path file = resolve(path);
    byte[] bytes = readBytes(file, path);
    return new Text(decode(bytes, path), version(bytes), bytes.length);
  }

  /**
   * Replaces a file's content, creating it (and its folders) if needed.
   *
   * @param baseVersion the version the new content was based on, or null to overwrite whatever is there
   * @return the new version
   */
  public synchronized String write(String path, String content, String baseVersion) {
    Path file = resolve(path);
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_FILE_BYTES) throw tooLarge(path);
    if (Files.isDirectory(file)) throw new SessionException("is_a_dir", "a folder is there: " + path);
    if (baseVersion != null) {
      String current = Files.exists(file) ? version(readBytes(file, path)) : null;
      if (!baseVersion.equals(current)) throw conflict(path, current);
    }
    store(file, bytes);
    return version(bytes);
  }

  /**
   * Applies changes made against {@code baseVersion}: each replaces [from, to) of the base text with its insert.
   *
   * @return the new version
   */
  public synchronized String edit(String path, String baseVersion, List<Change> changes) {
    Path file = resolve(path);
    byte[] current = readBytes(file, path);
    String currentVersion = version(current);
    if (!currentVersion.equals(baseVersion)) throw conflict(path, currentVersion);
    String text = decode(current, path);
    StringBuilder result = new StringBuilder(text.length() + 64);
    int at = 0;
    for (Change change : changes) {
      if (change.from() < at || change.to() < change.from() || change.to() > text.length()) {
        throw new SessionException("bad_request", "changes must be sorted, not overlapping and inside the text");
      }
      result.append(text, at, change.from()).append(change.insert());
      at = change.to();
    }
    result.append(text, at, text.length());
    byte[] bytes = result.toString().getBytes(StandardCharsets.UTF_8);
    if (bytes.length > MAX_FILE_BYTES) throw tooLarge(path);
    store(file, bytes);
    return version(bytes);
  }

  /** One replacement in an {@link #edit}. */
  public record Change(int from, int to, String insert) {
  }

  /** Creates a file (with optional content) or a folder. @return the file's version, or null for a folder */
  public synchronized String create(String path, boolean directory, String content) {
    Path target = resolve(path);
    if (path.isEmpty()) throw new SessionException("exists", "the workspace exists");
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) throw new SessionException("exists", "already exists: " + path);
    try {
      if (directory) {
        createParents(target.getParent());
        Files.createDirectory(target);
        handOver(target);
        return null;
      }
      byte[] bytes = (content == null ? "" : content).getBytes(StandardCharsets.UTF_8);
      if (bytes.length > MAX_FILE_BYTES) throw tooLarge(path);
      store(target, bytes);
      return version(bytes);
    } catch (FileAlreadyExistsException e) {
      throw new SessionException("exists", "already exists: " + path);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  public synchronized void rename(String from, String to) {
    Path source = resolveEntry(from);
    Path target = resolveEntry(to);
    if (from.isEmpty() || to.isEmpty()) throw new SessionException("bad_path", "the workspace itself cannot move");
    if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) throw new SessionException("not_found", "no such file: " + from);
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) throw new SessionException("exists", "already exists: " + to);
    if (target.startsWith(source)) throw new SessionException("bad_path", "cannot move a folder into itself");
    try {
      createParents(target.getParent());
      Files.move(source, target);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  public synchronized void delete(String path) {
    Path target = resolveEntry(path);
    if (path.isEmpty()) throw new SessionException("bad_path", "the workspace itself cannot be deleted");
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) throw new SessionException("not_found", "no such file: " + path);
    try {
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        Files.walkFileTree(target, new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
            Files.delete(f);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
      } else {
        Files.delete(target);
      }
    } catch (DirectoryNotEmptyException e) {
      throw new SessionException("busy", "a process keeps adding files to " + path + "; try again");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

  /** The current version of a file, or null when it is missing, a folder or too large to version. */
  public String versionOf(Path file) {
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_FILE_BYTES) return null;
      return version(Files.readAllBytes(file));
    } catch (IOException e) {
      return null;
    }
  }

  private byte[] readBytes(Path file, String path) {
    try {
      if (Files.isDirectory(file)) throw new SessionException("is_a_dir", "a folder: " + path);
      if (Files.size(file) > MAX_FILE_BYTES) throw tooLarge(path);
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new SessionException("not_found", "no such file: " + path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String decode(byte[] bytes, String path) {
    for (int i = 0; i < Math.min(bytes.length, 8192); i++) {
      if (bytes[i] == 0) throw new SessionException("binary", "not a text file: " + path);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new SessionException("binary", "not UTF-8 text: " + path);
    }
  }

  /** Writes through a temporary file and a rename, so a process never sees half a file. */
  private void store(Path file, byte[] bytes) {
    Path temp = file.resolveSibling("." + file.getFileName() + ".pier-tmp");
    try {
      createParents(file.getParent());
      // Forced to disk before the rename: a save the user was told about survives a power cut, not just a crash.
      try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
        // One write may take only part of the bytes (a nearly full disk): the rest must follow, or fail.
        ByteBuffer remaining = ByteBuffer.wrap(bytes);
        while (remaining.hasRemaining()) channel.write(remaining);
        channel.force(true);
      }
      handOver(temp);
      try {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      try {
        // A half-written temporary file would go on holding the space that ran out.
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // the failure below says what went wrong
      }
      throw failure(e);
    }
  }

  /** A full workspace is the user's to fix (delete something), so it is a protocol error, not a node failure. */
  private static RuntimeException failure(IOException e) {
    if (DiskFull.causedBy(e)) {
      return new SessionException("disk_full", "the workspace is full (no space left on device): delete files to "
          + "make room, then try again");
    }
    return new UncheckedIOException(e);
  }

  private void createParents(Path dir) throws IOException {
    if (dir == null || Files.isDirectory(dir)) return;
    createParents(dir.getParent());
    Files.createDirectory(dir);
    handOver(dir);
  }

  private void handOver(Path p) throws IOException {
    if (!chown) return;
    Files.setAttribute(p, "unix:uid", RUNNER_UID, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", RUNNER_UID, LinkOption.NOFOLLOW_LINKS);
  }

  private static SessionException tooLarge(String path) {
    return new SessionException("too_large", path + " is larger than " + MAX_FILE_BYTES / (1024 * 1024) + " MiB");
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
