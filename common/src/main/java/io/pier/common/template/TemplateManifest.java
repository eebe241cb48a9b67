package io.pier.common.template;

import io.pier.common.repl.Limits;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * A stack's manifest, {@code templates/<name>/pier.json}: which runner image runs it, how, on which port,
 * which file the IDE opens first, and the default limits of its repls. The optional top-level {@code runtime} (a
 * container runtime such as {@code runsc}) is kept in {@link Limits#runtime()}, so it travels with each repl's limits.
 *
 * @param port    the port a web app listens on; 0 for a console program ({@code "mode": "console"}), whose output
 *                the run pane shows and which has no preview
 * @param install a command run before {@code run} each time the repl runs (e.g. {@code npm install}), or null
 */
public record TemplateManifest(
    String name,
    String title,
    String description,
    String image,
    String run,
    int port,
    String open,
    Limits limits,
    String install) {
  /** The manifest's file name inside a template folder; it is not copied into repls. */
  public static final String FILE_NAME = "pier.json";

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

  public TemplateManifest {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must be lower-case letters, digits and '-', got " + name);
    }
    require(image, "image");
    require(run, "run");
    if (port != 0 && (port < 1 || port > 65535)) {
      throw new IllegalArgumentException("port must be in 1..65535, got " + port);
    }
  }

  /** A console program: no port, no preview; its output is the point. */
  public boolean isConsole() {
    return port == 0;
  }

  /** What the run process executes: the install command first, when there is one. */
  public String runCommand() {
    return install == null ? run : "(" + install + ") && " + run;
  }

  /** True when {@code name} could be a template name; says nothing about whether it exists. */
  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * Parses a manifest, naming the first problem found.
   *
   * @throws IllegalArgumentException when the text is not JSON or a key is missing or out of range
   */
  public static TemplateManifest parse(String text) {
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("manifest is not a JSON object: " + e.getMessage());
    }
    Object limitsValue = json.getValue("limits");
    if (limitsValue == null) throw new IllegalArgumentException("limits is missing");
    if (!(limitsValue instanceof JsonObject limits))
      throw new IllegalArgumentException("limits must be an object");
    String name = text(json, "name", true);
    return new TemplateManifest(
        name,
        orElse(text(json, "title", false), name),
        orElse(text(json, "description", false), ""),
        text(json, "image", true),
        text(json, "run", true),
        port(json),
        text(json, "open", false),
        new Limits(
            number(limits, "cpus"),
            whole(limits, "memoryMb", "limits.memoryMb"),
            whole(limits, "pids", "limits.pids"),
            diskMb(limits),
            text(json, "runtime", false)),
        text(json, "install", false));
  }

  /** Optional: without it the node's default size applies. */
  private static long diskMb(JsonObject limits) {
    if (limits.getValue("diskMb") == null) return 0;
    long mb = whole(limits, "diskMb", "limits.diskMb");
    if (mb < Limits.MIN_DISK_MB) {
      throw new IllegalArgumentException(
          "limits.diskMb must be at least " + Limits.MIN_DISK_MB + ", got " + mb);
    }
    return mb;
  }

  private static int port(JsonObject json) {
    String mode = text(json, "mode", false);
    if (mode == null || mode.equals("web")) {
      long port = whole(json, "port", "port");
      if (port < 1 || port > 65535)
        throw new IllegalArgumentException("port must be in 1..65535, got " + port);
      return (int) port;
    }
    if (!mode.equals("console"))
      throw new IllegalArgumentException("mode must be \"web\" or \"console\", got " + mode);
    if (json.getValue("port") != null)
      throw new IllegalArgumentException("a console program has no port");
    return 0;
  }

  private static String text(JsonObject json, String key, boolean required) {
    Object value = json.getValue(key);
    if (value == null) {
      if (required) throw new IllegalArgumentException(key + " is missing");
      return null;
    }
    if (!(value instanceof String s)) throw new IllegalArgumentException(key + " must be a string");
    return s;
  }

  private static String orElse(String value, String fallback) {
    return value == null ? fallback : value;
  }

  private static double number(JsonObject json, String key) {
    Object value = json.getValue(key);
    if (value == null) throw new IllegalArgumentException("limits." + key + " is missing");
    if (!(value instanceof Number n))
      throw new IllegalArgumentException("limits." + key + " must be a number");
    return n.doubleValue();
  }

  private static long whole(JsonObject json, String key, String label) {
    Object value = json.getValue(key);
    if (value == null) throw new IllegalArgumentException(label + " is missing");
    if (!(value instanceof Number n))
      throw new IllegalArgumentException(label + " must be a number");
    double d = n.doubleValue();
    if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(label + " must be a whole number, got " + value);
    }
    return (long) d;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("title", title)
        .put("description", description)
        .put("image", image)
        .put("install", install)
        .put("run", run)
        .put("mode", isConsole() ? "console" : "web")
        .put("port", isConsole() ? null : port)
        .put("open", open)
        .put("runtime", limits.runtime())
        .put("limits", withoutRuntime(limits.toJson()));
  }

  private static JsonObject withoutRuntime(JsonObject limits) {
    limits.remove("runtime");
    return limits;
  }

  private static void require(String value, String key) {
    if (value == null || value.isBlank()) throw new IllegalArgumentException(key + " is missing");
  }
}
