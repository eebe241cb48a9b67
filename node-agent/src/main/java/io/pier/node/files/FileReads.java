package io.pier.node.files;

import io.pier.common.http.ApiException;
import io.pier.node.workspace.OpenFile;
import io.pier.node.workspace.PathReports;
import io.pier.node.workspace.WorkspaceTree;
import io.pier.node.workspace.linux.Syscalls;
import io.pier.node.workspace.linux.Syscalls.Kind;
import io.pier.node.workspace.linux.Syscalls.Stat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the programs' API reads of a workspace, all through its {@link WorkspaceTree}: an entry's stat (a link as the
 * link it is), a folder's listing (bounded), and a regular file's bytes streamed, whole or one range. Blocking; call on
 * a worker thread.
 */
public final class FileReads {
  /** The most entries a listing holds; a larger folder's listing says it is truncated. */
  public static final int MAX_LIST_ENTRIES = 20_000;

  private FileReads() {}

  /** The entry itself, or 404. */
  public static Stat stat(WorkspaceTree tree, String path) {
    return tree.stat(path)
        .orElseThrow(
            () -> new ApiException(404, "not_found", "no such file or folder: " + shown(path)));
  }

  static JsonObject statJson(String path, Stat stat) {
    String name = path.isEmpty() ? "" : path.substring(path.lastIndexOf('/') + 1);
    return new JsonObject()
        .put("name", name)
        .put("path", path)
        .put("type", type(stat.kind()))
        .put("size", stat.kind() == Kind.FILE ? stat.size() : 0)
        .put("mtime", Instant.ofEpochMilli(stat.modifiedMillis()).toString())
        .put("mode", String.format("%04o", stat.mode()));
  }

  /** A folder's entries sorted by name, links and special files listed as what they are, never followed. */
  static JsonObject list(WorkspaceTree tree, String path) {
    Stat self = stat(tree, path);
    if (self.kind() == Kind.LINK) throw FileApiErrors.linkRefused(path);
    if (self.kind() != Kind.DIR)
      throw new ApiException(409, "not_a_dir", "not a folder: " + shown(path));
    List<Syscalls.Dirent> dirents = tree.list(path, MAX_LIST_ENTRIES + 1);
    List<JsonObject> entries = new ArrayList<>();
    for (Syscalls.Dirent d : dirents.subList(0, Math.min(dirents.size(), MAX_LIST_ENTRIES))) {
      String name = d.nameText();
      if (name.endsWith(WorkspaceTree.TEMP_SUFFIX)) continue;
      String child = path.isEmpty() ? name : path + "/" + name;
      Optional<Stat> stat = Optional.empty();
      try {
        stat = tree.stat(child);
      } catch (RuntimeException notUtf8OrGone) {
        // listed by its type alone
      }
      JsonObject entry = new JsonObject().put("name", name).put("type", type(d.kind()));
      entry.put("size", stat.filter(s -> s.kind() == Kind.FILE).map(Stat::size).orElse(0L));
      stat.ifPresent(s -> entry.put("mtime", Instant.ofEpochMilli(s.modifiedMillis()).toString()));
      entries.add(entry);
    }
    entries.sort(Comparator.comparing((JsonObject e) -> e.getString("name")));
    return new JsonObject()
        .put("path", path)
        .put("entries", new JsonArray(new ArrayList<>(entries)))
        .put("truncated", dirents.size() > MAX_LIST_ENTRIES);
  }

  /**
   * Streams a regular file (or the range {@code rangeHeader} asks for) into {@code out}: the size is the file's when
   * it was opened; a file that shrinks meanwhile breaks the transfer off instead of sending less than announced. With
   * {@code attachment}, the browser is told to save it under its name.
   */
  public static void download(
      WorkspaceTree tree,
      String path,
      String rangeHeader,
      boolean attachment,
      ResponseBodyStream out)
      throws IOException {
    try (OpenFile file = tree.open(path)) {
      long size = file.size();
      Optional<ByteRange> range;
      try {
        range = ByteRange.parse(rangeHeader, size);
      } catch (ByteRange.Unsatisfiable e) {
        throw new ApiException(416, "range_not_satisfiable", e.getMessage());
      }
      long length = range.map(ByteRange::length).orElse(size);
      String modified =
          DateTimeFormatter.RFC_1123_DATE_TIME.format(
              Instant.ofEpochMilli(file.modifiedMillis()).atOffset(ZoneOffset.UTC));
      out.begin(
          response -> {
            response
                .setStatusCode(range.isPresent() ? 206 : 200)
                .putHeader("Content-Type", "application/octet-stream")
                .putHeader("Content-Length", String.valueOf(length))
                .putHeader("Accept-Ranges", "bytes")
                .putHeader("Last-Modified", modified);
            range.ifPresent(r -> response.putHeader("Content-Range", r.contentRange(size)));
            if (attachment)
              response.putHeader("Content-Disposition", Attachment.disposition(path, path));
          });
      InputStream in = file.stream();
      if (range.isPresent()) {
        long skip = range.get().first();
        while (skip > 0) {
          long n = in.skip(skip);
          if (n <= 0) throw new IOException("the file shrank while it was read");
          skip -= n;
        }
      }
      byte[] buffer = new byte[ResponseBodyStream.CHUNK];
      long left = length;
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) throw new IOException("the file shrank while it was read");
        out.write(buffer, 0, n);
        left -= n;
      }
      out.finish();
    }
  }

  static String type(Kind kind) {
    return switch (kind) {
      case DIR -> "dir";
      case FILE -> "file";
      case LINK -> "link";
      case OTHER -> "other";
    };
  }

  static String shown(String path) {
    return PathReports.printable(path);
  }
}
