package io.pier.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/** Whether this node drains (takes no new repls), kept as a file in its data folder so a restart does not undo it. */
final class DrainingMark {
  private final Path dataDir;
  private final AtomicBoolean draining = new AtomicBoolean();

  DrainingMark(Path dataDir) {
    this.dataDir = dataDir;
  }

  /** Reads the mark a previous run left. Blocking. */
  void load() {
    draining.set(Files.exists(mark()));
  }

  boolean draining() {
    return draining.get();
  }

  /** Keeps the mark, or removes it. Blocking. */
  void set(boolean drain) throws IOException {
    if (drain) {
      Files.createDirectories(dataDir);
      Files.writeString(mark(), "draining\n");
    } else {
      Files.deleteIfExists(mark());
    }
    draining.set(drain);
  }

  private Path mark() {
    return dataDir.resolve("draining");
  }
}
