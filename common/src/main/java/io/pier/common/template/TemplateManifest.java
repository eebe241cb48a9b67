package io.pier.common.template;

import io.pier.common.repl.Limits;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * A stack's manifest, {@code templates/<name>/pier.json}: which runner image runs it, how, on which port,
 * which file the IDE opens first, and the default limits of its repls.
 */
public record TemplateManifest(String name, String title, String description, String image, String run, int port,
                               String open, Limits limits) {
  /** The manifest's file name inside a template folder; it is not copied into repls. */
  public static final String FILE_NAME = "pier.json";
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

  public TemplateManifest {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("name must be lower-case letters, digits and '-', got " + name);
    }
    require(image, "image");
    require(run, "run");
    if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be in 1..65535, got " + port);
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
    try {
      JsonObject limits = json.getJsonObject("limits");
      if (limits == null) throw new IllegalArgumentException("limits is missing");
      Integer port = json.getInteger("port");
      if (port == null) throw new IllegalArgumentException("port is missing");
      for (String key : new String[] {"cpus", "memoryMb", "pids"}) {
        if (limits.getValue(key) == null) throw new IllegalArgumentException("limits." + key + " is missing");
      }
      return new TemplateManifest(json.getString("name"), json.getString("title", json.getString("name")),
          json.getString("description", ""), json.getString("image"), json.getString("run"), port,
          json.getString("open"), Limits.fromJson(limits));
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("manifest has a value of the wrong type: " + e.getMessage());
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("title", title).put("description", description)
        .put("image", image).put("run", run).put("port", port).put("open", open).put("limits", limits.toJson());
  }

  private static void require(String value, String key) {
    if (value == null || value.isBlank()) throw new IllegalArgumentException(key + " is missing");
  }
}
