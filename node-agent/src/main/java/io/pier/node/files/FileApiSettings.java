package io.pier.node.files;

import io.pier.common.config.Env;
import java.time.Duration;

/**
 * The bounds of the programs' file and archive API on one node-agent.
 *
 * @param maxFileBytes       the largest file one upload writes ({@code PIER_API_MAX_FILE_MB})
 * @param maxArchiveBytes    the most bytes an archive may expand to, or hold to download ({@code PIER_API_MAX_ARCHIVE_MB})
 * @param maxArchiveEntries  the most entries an archive may hold, either way ({@code PIER_API_MAX_ARCHIVE_ENTRIES})
 * @param transfers          streamed transfers (uploads, downloads, archives) running at once on the node, each on a
 *                           thread of its own; one more is answered 503 ({@code PIER_API_TRANSFERS})
 * @param idleTimeout        a transfer whose client sends or reads nothing for this long is ended
 *                           ({@code PIER_API_IDLE_TIMEOUT_S})
 * @param watchesPerRepl     change streams open at once on one repl ({@code PIER_API_WATCHES_PER_REPL})
 * @param watchQueue         changes one stream holds for a client that does not read, before it drops them and says so
 */
public record FileApiSettings(
    long maxFileBytes,
    long maxArchiveBytes,
    int maxArchiveEntries,
    int transfers,
    Duration idleTimeout,
    int watchesPerRepl,
    int watchQueue) {
  private static final long MIB = 1024L * 1024L;

  public static final FileApiSettings DEFAULT =
      new FileApiSettings(1024 * MIB, 4096 * MIB, 100_000, 8, Duration.ofSeconds(60), 8, 1000);

  public FileApiSettings {
    if (maxFileBytes < 1
        || maxArchiveBytes < 1
        || maxArchiveEntries < 1
        || transfers < 1
        || idleTimeout.isNegative()
        || idleTimeout.isZero()
        || watchesPerRepl < 1
        || watchQueue < 1) {
      throw new IllegalArgumentException("file API settings out of range");
    }
  }

  /** The settings of this process's environment. @throws io.pier.common.config.ConfigException for a bad value */
  public static FileApiSettings fromSystemEnv() {
    Env env = Env.system();
    FileApiSettings settings = fromEnv(env);
    env.check();
    return settings;
  }

  /** Reads the {@code PIER_API_*} variables; a value out of range is a problem of {@code env}. */
  public static FileApiSettings fromEnv(Env env) {
    FileApiSettings d = DEFAULT;
    return new FileApiSettings(
        env.atLeast("PIER_API_MAX_FILE_MB", (int) (d.maxFileBytes() / MIB), 1) * MIB,
        env.atLeast("PIER_API_MAX_ARCHIVE_MB", (int) (d.maxArchiveBytes() / MIB), 1) * MIB,
        env.atLeast("PIER_API_MAX_ARCHIVE_ENTRIES", d.maxArchiveEntries(), 1),
        env.atLeast("PIER_API_TRANSFERS", d.transfers(), 1),
        Duration.ofSeconds(
            env.atLeast("PIER_API_IDLE_TIMEOUT_S", (int) d.idleTimeout().toSeconds(), 1)),
        env.atLeast("PIER_API_WATCHES_PER_REPL", d.watchesPerRepl(), 1),
        d.watchQueue());
  }
}
