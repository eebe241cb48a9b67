package io.pier.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The files wire of one repl: {@code /api/repls/<slug>/files/<path>} and {@code /archive/<folder>?format=tar}. Paths
 * are relative to the workspace. Every body is streamed.
 */
public final class ReplFiles {
  private static final int PIPE_BYTES = 64 * 1024;

  private final Http http;
  private final String slug;

  ReplFiles(Http http, String slug) {
    this.http = http;
    this.slug = slug;
  }

  /** One entry of a folder: {@code type} is {@code file}, {@code dir} or {@code link}. */
  public record Entry(String name, String type, long size) {}

  public void write(String path, byte[] bytes) {
    http.upload("PUT", files(path), BodyPublishers.ofByteArray(bytes), "application/octet-stream");
  }

  public void write(String path, Path localFile) {
    try {
      http.upload("PUT", files(path), BodyPublishers.ofFile(localFile), "application/octet-stream");
    } catch (FileNotFoundException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes what {@code in} holds; it is read as it is sent, and not closed. */
  public void write(String path, InputStream in) {
    http.upload(
        "PUT", files(path), BodyPublishers.ofInputStream(() -> in), "application/octet-stream");
  }

  /** The file's bytes, as a stream to read and close. */
  public InputStream read(String path) {
    return http.download(http.request(files(path)).build());
  }

  /** The folder's entries. */
  public List<Entry> list(String folder) {
    List<Entry> entries = new ArrayList<>();
    JsonNode listing = http.call("GET", files(folder), null);
    listing
        .path("entries")
        .forEach(
            e ->
                entries.add(
                    new Entry(
                        e.path("name").asText(),
                        e.path("type").asText(),
                        e.path("size").asLong())));
    return entries;
  }

  /** What is at {@code path}: its name, {@code type} ({@code file}, {@code dir}, …) and size. */
  public Entry stat(String path) {
    JsonNode stat = http.call("GET", files(path) + "?stat=true", null);
    return new Entry(
        stat.path("name").asText(), stat.path("type").asText(), stat.path("size").asLong());
  }

  public void delete(String path) {
    http.call("DELETE", files(path), null);
  }

  /** Sends the local folder as a tar, written while it is sent, and extracts it into the repl's {@code remoteFolder}. */
  public ArchiveResult uploadArchive(Path localFolder, String remoteFolder) {
    PipedInputStream in = new PipedInputStream(PIPE_BYTES);
    AtomicReference<IOException> failed = new AtomicReference<>();
    PipedOutputStream out;
    try {
      out = new PipedOutputStream(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread writer =
        new Thread(
            () -> {
              try (PipedOutputStream pipe = out) {
                TarWriter.writeFolder(localFolder, pipe);
              } catch (IOException e) {
                failed.set(e);
              }
            },
            "pier-tar-" + slug);
    writer.setDaemon(true);
    writer.start();
    JsonNode answer;
    try {
      answer =
          http.upload(
              "PUT",
              archive(remoteFolder),
              BodyPublishers.ofInputStream(() -> in),
              "application/x-tar");
    } finally {
      try {
        in.close();
        writer.join();
      } catch (IOException e) {
        // the pipe's reader end: nothing held
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (failed.get() != null) throw new UncheckedIOException(failed.get());
    return new ArchiveResult(
        answer.path("files").asLong(),
        answer.path("folders").asLong(),
        answer.path("bytes").asLong());
  }

  /** Reads the repl's {@code remoteFolder} as a tar and extracts it into {@code targetDir}, as it comes. */
  public TarReader.Extracted downloadArchive(String remoteFolder, Path targetDir) {
    try (InputStream tar = http.download(http.request(archive(remoteFolder)).build())) {
      return TarReader.extract(tar, targetDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String files(String path) {
    String encoded = UriPaths.path(path);
    return Repls.at(slug) + "/files" + (encoded.isEmpty() ? "" : "/" + encoded);
  }

  private String archive(String folder) {
    String encoded = UriPaths.path(folder);
    return Repls.at(slug) + "/archive" + (encoded.isEmpty() ? "" : "/" + encoded) + "?format=tar";
  }
}
