package io.pier.node.files;

import io.pier.common.http.ApiException;
import io.pier.node.workspace.OpenFile;
import io.pier.node.workspace.TreeWalk;
import io.pier.node.workspace.WorkspaceAccessException;
import io.pier.node.workspace.WorkspaceTree;
import io.pier.node.workspace.linux.Syscalls.Kind;
import io.pier.node.workspace.linux.Syscalls.Stat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Date;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Streams a workspace folder as an archive, walking it through the workspace's {@link WorkspaceTree}: folders are
 * opened one name at a time below their parent and files opened beneath the root, never through a link; links,
 * FIFOs, sockets, devices, temporary save names and names that are not UTF-8 are left out. A file's entry has the
 * size the file had when it was opened. Bounded: the folder is counted first, and one past the entry or byte limit
 * is answered 413 before any byte is sent.
 */
final class ArchiveDownload {
  private final WorkspaceTree tree;
  private final FileApiSettings settings;

  ArchiveDownload(WorkspaceTree tree, FileApiSettings settings) {
    this.tree = tree;
    this.settings = settings;
  }

  /** What a folder holds, counted before it is sent. */
  record Census(int entries, long bytes) {}

  Census count(String folder) {
    Stat self = FileReads.stat(tree, folder);
    if (self.kind() == Kind.LINK) throw FileApiErrors.linkRefused(folder);
    if (self.kind() != Kind.DIR)
      throw new ApiException(409, "not_a_dir", "not a folder: " + FileReads.shown(folder));
    int[] entries = {0};
    long[] bytes = {0};
    tree.walk(
        folder,
        new TreeWalk.Visitor() {
          @Override
          public boolean directory(String path, Path open) {
            return ++entries[0] <= settings.maxArchiveEntries();
          }

          @Override
          public void file(String path, Stat stat) {
            entries[0]++;
            bytes[0] += stat.size();
          }
        });
    if (entries[0] > settings.maxArchiveEntries())
      throw new ApiException(
          413,
          "too_many_entries",
          FileReads.shown(folder)
              + " holds more than "
              + settings.maxArchiveEntries()
              + " entries to archive");
    if (bytes[0] > settings.maxArchiveBytes())
      throw new ApiException(
          413,
          "too_large",
          FileReads.shown(folder) + " holds more than " + settings.maxArchiveBytes() + " bytes");
    return new Census(entries[0], bytes[0]);
  }

  /** Writes the archive of {@code folder} to {@code out}, which {@link ResponseBodyStream#begin} has started. */
  void write(String folder, ArchiveFormat format, OutputStream out) throws IOException {
    OutputStream sink =
        format == ArchiveFormat.TGZ
            ? new GZIPOutputStream(out, 64 * 1024) {
              {
                def.setLevel(Deflater.BEST_SPEED);
              }
            }
            : out;
    ArchiveOutputStream<? extends ArchiveEntry> archive = writer(format, sink);
    try {
      tree.walk(
          folder,
          new TreeWalk.Visitor() {
            @Override
            public boolean directory(String path, Path open) {
              try {
                putFolder(archive, format, nameIn(folder, path));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              return true;
            }

            @Override
            public void file(String path, Stat stat) {
              try {
                putFile(archive, format, path, nameIn(folder, path), stat.mode());
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
          });
      archive.finish();
      if (sink != out) ((GZIPOutputStream) sink).finish();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static ArchiveOutputStream<? extends ArchiveEntry> writer(
      ArchiveFormat format, OutputStream out) {
    if (format == ArchiveFormat.ZIP) {
      ZipArchiveOutputStream zip = new ZipArchiveOutputStream(out);
      zip.setLevel(Deflater.BEST_SPEED);
      zip.setEncoding("UTF-8");
      return zip;
    }
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8");
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
    return tar;
  }

  @SuppressWarnings("unchecked")
  private static <E extends ArchiveEntry> void put(ArchiveOutputStream<E> archive, ArchiveEntry e)
      throws IOException {
    archive.putArchiveEntry((E) e);
  }

  private static void putFolder(
      ArchiveOutputStream<? extends ArchiveEntry> archive, ArchiveFormat format, String name)
      throws IOException {
    if (format == ArchiveFormat.ZIP) {
      put(archive, new ZipArchiveEntry(name + "/"));
    } else {
      TarArchiveEntry entry = new TarArchiveEntry(name + "/");
      entry.setMode(TarArchiveEntry.DEFAULT_DIR_MODE);
      put(archive, entry);
    }
    archive.closeArchiveEntry();
  }

  /** One file as it is when opened; one swapped for a link or a special file meanwhile is left out. */
  private void putFile(
      ArchiveOutputStream<? extends ArchiveEntry> archive,
      ArchiveFormat format,
      String path,
      String name,
      int mode)
      throws IOException {
    OpenFile file;
    try {
      file = tree.open(path);
    } catch (WorkspaceAccessException e) {
      return;
    }
    try (file) {
      long size = file.size();
      if (format == ArchiveFormat.ZIP) {
        ZipArchiveEntry entry = new ZipArchiveEntry(name);
        entry.setTime(file.modifiedMillis());
        entry.setUnixMode(0100000 | (mode & 0777));
        put(archive, entry);
      } else {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(size);
        entry.setModTime(new Date(file.modifiedMillis()));
        entry.setMode(0100000 | (mode & 0777));
        put(archive, entry);
      }
      InputStream in = file.stream();
      byte[] buffer = new byte[64 * 1024];
      long left = size;
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) break;
        archive.write(buffer, 0, n);
        left -= n;
      }
      // A file cut short meanwhile: its tar entry still holds the size announced in its header.
      if (format != ArchiveFormat.ZIP) {
        Arrays.fill(buffer, (byte) 0);
        while (left > 0) {
          int n = (int) Math.min(buffer.length, left);
          archive.write(buffer, 0, n);
          left -= n;
        }
      }
      archive.closeArchiveEntry();
    }
  }

  private static String nameIn(String folder, String path) {
    return folder.isEmpty() ? path : path.substring(folder.length() + 1);
  }
}
