package io.pier.node.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The paths of one repl that changed and are not yet in storage, on the node's disk: a node-agent that dies between
 * a save and its upload finds them here when it comes back. Appends are forced to disk; the file is emptied once
 * nothing is pending.
 */
public final class Journal implements AutoCloseable {
  private final Path file;
  private FileChannel channel;

  public Journal(Path file) {
    this.file = file;
  }

  /** The paths recorded and not cleared, in the order first recorded. */
  public static Set<String> read(Path file) {
    Set<String> paths = new LinkedHashSet<>();
    if (!Files.exists(file)) return paths;
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isEmpty()) paths.add(line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the journal " + file, e);
    }
    return paths;
  }

  public synchronized void record(String path) {
    recordAll(List.of(path));
  }

  /** Records many paths with one write to disk (an extracted archive's files). */
  public synchronized void recordAll(List<String> paths) {
    if (paths.isEmpty()) return;
    StringBuilder lines = new StringBuilder();
    for (String path : paths) lines.append(path).append('\n');
    try {
      if (channel == null) {
        Files.createDirectories(file.getParent());
        channel =
            FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
      }
      ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) channel.write(bytes);
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("writing the journal " + file, e);
    }
  }

  /** Nothing is pending: empties the journal. */
  public synchronized void clear() {
    try {
      if (channel != null) {
        channel.truncate(0);
        channel.force(false);
      } else {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("clearing the journal " + file, e);
    }
  }

  /** Closes and removes the journal: the repl left this node with everything stored. */
  public synchronized void delete() {
    close();
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    if (channel == null) return;
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      channel = null;
    }
  }
}
