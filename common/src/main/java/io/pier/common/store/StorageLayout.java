package io.pier.common.store;

/**
 * Where things live in the bucket. S3 is the source of truth for a repl's files whenever it is not running.
 * <pre>
 * templates/&lt;template&gt;/...      boilerplate and manifest, uploaded by schedulers at start-up
 * repls/&lt;slug&gt;/files/&lt;path&gt;     the user's code
 * repls/&lt;slug&gt;/repl.json         metadata, so the registry survives a full restart
 * </pre>
 */
public final class StorageLayout {
  public static final String REPLS = "repls/";

  private StorageLayout() {}

  public static String template(String name) {
    return "templates/" + name + "/";
  }

  /** Everything stored for one repl. */
  public static String repl(String slug) {
    return REPLS + slug + "/";
  }

  public static String replFiles(String slug) {
    return repl(slug) + "files/";
  }

  /** A repl's environment variables, one sealed object each ({@code ReplEnvStore}). */
  public static String replEnv(String slug) {
    return repl(slug) + "env/";
  }

  public static String replMetadata(String slug) {
    return repl(slug) + "repl.json";
  }
}
