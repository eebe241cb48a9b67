package io.pier.node.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file on the node's disk saying that a repl's restore began and has not finished. A restore writes files without
 * an {@code fsync} each and syncs them at the end; a node that went down meanwhile finds a workspace with files
 * missing or torn, which must never be saved over the stored ones: storage holds the repl's files, the workspace only
 * part of them. The mark is on disk before the first file is written.
 */
public final class RestoreMark {
  private final Path file;

  private RestoreMark(Path file) {
    this.file = file;
  }

  /** The mark of {@code slug}'s restore, in the folder of the node's journals. */
  public static RestoreMark of(Path journals, String slug) {
    return new RestoreMark(journals.resolve(slug + ".restoring"));
  }

  /** Puts the mark on disk, with the folder entry that names it. */
  public void set() {
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      try (FileChannel folder = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
        folder.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("marking a restore at " + file, e);
    }
  }

  /** True when a restore began and did not finish. */
  public boolean isSet() {
    return Files.exists(file);
  }

  /** Removes the mark: the restore finished (its files are on disk), or its workspace is gone. */
  public void clear() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("clearing the restore mark " + file, e);
    }
  }
}
