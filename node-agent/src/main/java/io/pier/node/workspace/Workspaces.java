package io.pier.node.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** The workspace folders of this node: {@code <data>/workspaces/<slug>}. */
public final class Workspaces {
  private final Path root;

  public Workspaces(Path root) {
    this.root = root;
  }

  public Path of(String slug) {
    return root.resolve(slug);
  }

  /**
   * Resolves a relative path inside {@code dir}, refusing anything that would land outside it.
   *
   * @throws IllegalArgumentException for absolute paths and paths that climb out with {@code ..}
   */
  public static Path resolveInside(Path dir, String relative) {
    Path resolved = dir.resolve(relative).normalize();
    if (relative.startsWith("/") || !resolved.startsWith(dir.normalize()) || resolved.equals(dir.normalize())) {
      throw new IllegalArgumentException("path escapes the workspace: " + relative);
    }
    return resolved;
  }

  /** Gives the whole tree to the uid/gid repls run as, so the container can write it. No-op unless root. */
  public static void handOver(Path dir, int uid, int gid) {
    if (!"root".equals(System.getProperty("user.name"))) return;
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
          chown(d, uid, gid);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          if (!attrs.isSymbolicLink()) chown(file, uid, gid);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void chown(Path p, int uid, int gid) throws IOException {
    Files.setAttribute(p, "unix:uid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", gid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }

  /** Deletes a workspace folder and everything in it, without following symbolic links. */
  public static void delete(Path dir) {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.delete(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
