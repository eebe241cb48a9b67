package io.pier.node.envd.filesystem;

import io.pier.common.http.ApiException;
import io.pier.common.store.StorageLayout;
import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.envd.filesystem.EnvdPaths.EnvdPath;
import io.pier.node.files.FileWrites;
import io.pier.node.session.LiveRepl;
import io.pier.node.workspace.PathReports;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The files of one {@code POST /files}, written as envd writes them: each to its path (the {@code path} parameter, or
 * the part's file name when there is none), replacing what is there, making missing folders, owned by the repl's
 * user. Every file goes through {@link FileWrites#upload} (a temporary name renamed into place, no link followed, at
 * most {@code maxFileBytes}, names storage cannot hold refused) and is journalled for storage before the next one.
 * Parts not named {@code file} are skipped, as envd skips them; at most {@link #MAX_FILES} files per request. Blocking;
 * run on a transfer thread.
 */
final class FileUploads {
  static final int MAX_FILES = 10_000;

  private final LiveRepl repl;
  private final FileWrites writes;
  private final long maxFileBytes;
  private final JsonArray written = new JsonArray();
  private final Set<String> paths = new HashSet<>();
  private String current = "";

  FileUploads(LiveRepl repl, long maxFileBytes) {
    this.repl = repl;
    this.writes = new FileWrites(repl.files().tree(), StorageLayout.replFiles(repl.slug()));
    this.maxFileBytes = maxFileBytes;
  }

  /** A {@code multipart/form-data} body. @return the files written, as envd lists them */
  JsonArray multipart(InputStream body, String boundary, String pathParameter) throws IOException {
    MultipartStream parts = new MultipartStream(body, boundary);
    for (MultipartStream.Part part = parts.next(); part != null; part = parts.next()) {
      if (!"file".equals(part.disposition("name"))) continue;
      String name = pathParameter != null ? pathParameter : part.disposition("filename");
      if (name == null || name.isEmpty())
        throw new ConnectException(
            ConnectCode.INVALID_ARGUMENT,
            "a file part needs a file name when the request has no path parameter");
      if (paths.size() >= MAX_FILES)
        throw new ApiException(
            413, "too_many_files", "one upload writes at most " + MAX_FILES + " files");
      write(EnvdPaths.resolve(name), part.content());
    }
    return written;
  }

  /** An {@code application/octet-stream} body: one file, at the {@code path} parameter. */
  JsonArray raw(InputStream body, String pathParameter) {
    if (pathParameter == null)
      throw new ConnectException(
          ConnectCode.INVALID_ARGUMENT,
          "the path query parameter is required for an application/octet-stream upload");
    write(EnvdPaths.resolve(pathParameter), body);
    return written;
  }

  /** The workspace path being written now (or last), for an error's message. */
  String current() {
    return current;
  }

  private void write(EnvdPath target, InputStream content) {
    current = target.relative();
    if (!paths.add(target.relative()))
      throw new ConnectException(
          ConnectCode.INVALID_ARGUMENT,
          "you cannot upload multiple files to the same path '"
              + PathReports.printable(target.shown())
              + "' in one request; the files before it were written");
    writes.upload(target.relative(), true, content, maxFileBytes);
    repl.saved(List.of(target.relative()));
    JsonObject entry = EntryInfos.written(target);
    written.add(entry);
  }
}
