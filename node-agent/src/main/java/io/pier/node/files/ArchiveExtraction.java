package io.pier.node.files;

import io.pier.common.http.ApiException;
import io.pier.node.workspace.WorkspaceAccessException;
import io.pier.node.workspace.WorkspaceTree;
import io.pier.node.workspace.linux.Syscalls.Kind;
import io.pier.node.workspace.linux.Syscalls.Stat;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.Optional;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Extracts an uploaded archive into a workspace folder as it streams in, entry by entry, through the workspace's
 * {@link WorkspaceTree}: each entry is checked ({@link ArchiveEntries}) and its name held to what storage can keep
 * before anything is written; files are written to a temporary name and renamed into place, made the repl user's;
 * nothing is written through a link (a folder of the workspace that is one refuses the entry). Bounded: the
 * archive's entries, the bytes it expands to (counted as written, whatever the headers declare), and the upload.
 *
 * <p>Not atomic: the entries before a refused one stay extracted; they are named in {@code changed} either way.
 */
final class ArchiveExtraction {
  /** What an extraction wrote. */
  record Result(int files, int folders, long bytes) {}

  private final WorkspaceTree tree;
  private final FileWrites writes;
  private final FileApiSettings settings;

  ArchiveExtraction(WorkspaceTree tree, FileWrites writes, FileApiSettings settings) {
    this.tree = tree;
    this.writes = writes;
    this.settings = settings;
  }

  /**
   * @param changed receives each path written, for the write-behind journal (also when the extraction fails)
   */
  Result extract(String folder, ArchiveFormat format, InputStream body, Collection<String> changed)
      throws IOException {
    prepare(folder, changed);
    LimitedInput upload = new LimitedInput(body, settings.maxArchiveBytes(), "the archive");
    int files = 0;
    int folders = 0;
    long written = 0;
    int entries = 0;
    try (ArchiveInputStream<?> in = reader(format, upload)) {
      for (ArchiveEntry entry = next(in); entry != null; entry = next(in)) {
        if (++entries > settings.maxArchiveEntries()) {
          throw new BadEntry(
              413,
              "too_many_entries",
              entry.getName(),
              "the archive holds more than " + settings.maxArchiveEntries() + " entries");
        }
        long budget = settings.maxArchiveBytes() - written;
        ArchiveEntries.Checked checked =
            ArchiveEntries.check(entry.getName(), kindOf(entry), entry.getSize(), budget);
        if (checked.skip()) continue;
        String target = folder.isEmpty() ? checked.name() : folder + "/" + checked.name();
        try {
          writes.requireStorable(target);
          if (checked.kind() == ArchiveEntries.Kind.DIR) {
            ensureFolder(target);
            folders++;
          } else {
            LimitedInput content = new LimitedInput(in, budget, "the archive's content (expanded)");
            tree.write(target, content, true, false, modeOf(entry));
            written += content.count();
            files++;
          }
          changed.add(target);
        } catch (ApiException e) {
          if (e instanceof BadEntry) throw e;
          throw new BadEntry(e.status(), e.code(), entry.getName(), e.getMessage());
        } catch (WorkspaceAccessException e) {
          // A full disk or a failure of the node is not the entry's fault; anything else is.
          ApiException answer = FileApiErrors.of(e, target);
          if (answer.status() >= 500) throw answer;
          throw new BadEntry(answer.status(), answer.code(), entry.getName(), answer.getMessage());
        }
      }
    } finally {
      // Written without an fsync each: one sync of the filesystem for all of them.
      if (files > 0) tree.syncAll();
    }
    return new Result(files, folders, written);
  }

  /** The target folder: made if missing, refused if it is a link or a file. */
  private void prepare(String folder, Collection<String> changed) {
    if (folder.isEmpty()) return;
    Optional<Stat> stat = tree.stat(folder);
    if (stat.isPresent() && stat.get().kind() == Kind.LINK) throw FileApiErrors.linkRefused(folder);
    if (stat.isPresent() && stat.get().kind() != Kind.DIR)
      throw new ApiException(409, "not_a_dir", "not a folder: " + FileReads.shown(folder));
    if (stat.isEmpty()) {
      writes.mkdir(folder, true);
      changed.add(folder);
    }
  }

  private void ensureFolder(String target) {
    Optional<Stat> stat = tree.stat(target);
    if (stat.isPresent() && stat.get().kind() == Kind.DIR) return;
    if (stat.isPresent())
      throw new ApiException(409, "exists", "something other than a folder is there");
    tree.createDirectory(target);
  }

  /** The next entry; a malformed archive is the client's error. */
  private static ArchiveEntry next(ArchiveInputStream<?> in) throws IOException {
    try {
      return in.getNextEntry();
    } catch (RefusedInput e) {
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      if (e.getCause() instanceof RefusedInput refused) throw refused;
      throw new ApiException(400, "bad_archive", "the archive cannot be read: " + e.getMessage());
    }
  }

  private static ArchiveInputStream<?> reader(ArchiveFormat format, InputStream in)
      throws IOException {
    return switch (format) {
      case TAR -> new TarArchiveInputStream(in, "UTF-8");
      case TGZ -> {
        try {
          yield new TarArchiveInputStream(new GzipCompressorInputStream(in), "UTF-8");
        } catch (RefusedInput e) {
          throw e;
        } catch (IOException e) {
          throw new ApiException(400, "bad_archive", "not a gzip stream: " + e.getMessage());
        }
      }
      case ZIP -> new ZipArchiveInputStream(in, "UTF-8", true, true);
    };
  }

  static ArchiveEntries.Kind kindOf(ArchiveEntry entry) {
    if (entry instanceof TarArchiveEntry tar) {
      if (tar.isSymbolicLink()) return ArchiveEntries.Kind.SYMLINK;
      if (tar.isLink()) return ArchiveEntries.Kind.HARDLINK;
      if (tar.isCharacterDevice() || tar.isBlockDevice()) return ArchiveEntries.Kind.DEVICE;
      if (tar.isFIFO()) return ArchiveEntries.Kind.FIFO;
      if (tar.isDirectory()) return ArchiveEntries.Kind.DIR;
      if (tar.isFile() && !tar.isSparse()) return ArchiveEntries.Kind.FILE;
      return ArchiveEntries.Kind.OTHER;
    }
    if (entry instanceof ZipArchiveEntry zip) {
      if (zip.isUnixSymlink()) return ArchiveEntries.Kind.SYMLINK;
      return zip.isDirectory() ? ArchiveEntries.Kind.DIR : ArchiveEntries.Kind.FILE;
    }
    return ArchiveEntries.Kind.OTHER;
  }

  /** An executable entry stays executable; everything else is rw-r--r--. */
  static int modeOf(ArchiveEntry entry) {
    int mode = 0;
    if (entry instanceof TarArchiveEntry tar) mode = tar.getMode();
    if (entry instanceof ZipArchiveEntry zip) mode = zip.getUnixMode();
    return (mode & 0111) != 0 ? 0755 : 0644;
  }
}
