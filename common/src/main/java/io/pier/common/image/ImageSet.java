package io.pier.common.image;

import io.pier.common.config.Env;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The fleet's runner images, pinned: each image name a template uses ({@code pier-runner-python:latest}) → the exact
 * image in the fleet's registry, by digest ({@code registry.example:5000/pier-runner-python@sha256:…}). Written by
 * {@code images/build.sh --push}; read by the scheduler (to place a repl only where the exact image is) and by the
 * node-agents (to pull it and run it). The empty set leaves names as they are: every node builds its own images.
 *
 * <p>The file is a flat JSON object: {@code {"pier-runner-python:latest": "host:5000/pier-runner-python@sha256:…"}}.
 */
public final class ImageSet {
  public static final ImageSet EMPTY = new ImageSet(Map.of());

  /** A local image name with an optional tag, as templates write them. */
  private static final Pattern NAME =
      Pattern.compile("[a-z0-9][a-z0-9._/-]{0,199}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?");

  /** {@code [host[:port]/]path@sha256:<64 hex>}: a reference that names one image and nothing else. */
  private static final Pattern DIGEST_REF =
      Pattern.compile(
          "([a-zA-Z0-9.-]+(:[0-9]{1,5})?/)?[a-z0-9][a-z0-9._/-]{0,199}@sha256:[0-9a-f]{64}");

  private final Map<String, String> refs;

  private ImageSet(Map<String, String> refs) {
    this.refs = Map.copyOf(refs);
  }

  /**
   * @param refs image name → digest reference
   * @throws IllegalArgumentException naming the first entry that is not a name → digest reference pair
   */
  public static ImageSet of(Map<String, String> refs) {
    Map<String, String> checked = new TreeMap<>();
    refs.forEach(
        (name, ref) -> {
          if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                "'" + name + "' is not an image name such as pier-runner-python:latest");
          }
          if (!isDigestRef(ref)) {
            throw new IllegalArgumentException(
                name
                    + " → '"
                    + ref
                    + "' is not a reference by digest such as "
                    + "host:5000/pier-runner-python@sha256:<64 hex digits>");
          }
          checked.put(name, ref);
        });
    return new ImageSet(checked);
  }

  /** @throws IllegalArgumentException when the text is not a JSON object of name → digest reference strings */
  public static ImageSet parse(String json) {
    JsonObject object;
    try {
      object = new JsonObject(json);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("not a JSON object of image name → reference by digest");
    }
    Map<String, String> refs = new TreeMap<>();
    for (Map.Entry<String, Object> entry : object) {
      if (!(entry.getValue() instanceof String ref)) {
        throw new IllegalArgumentException(
            entry.getKey() + " must map to a string, not " + entry.getValue());
      }
      refs.put(entry.getKey(), ref);
    }
    if (refs.isEmpty()) throw new IllegalArgumentException("the image set names no image");
    return of(refs);
  }

  /** @throws IllegalArgumentException naming the file when it cannot be read or is not a valid image set */
  public static ImageSet load(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the image set " + file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("image set " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The set named by {@code PIER_IMAGE_SET} (a file), or {@link #EMPTY} when it is unset; a file that is missing or
   * malformed is a configuration problem, so the service does not start with half a fleet's images.
   */
  public static ImageSet fromEnv(Env env) {
    String file = env.string("PIER_IMAGE_SET", null);
    if (file == null) return EMPTY;
    try {
      return load(Path.of(file));
    } catch (IllegalArgumentException e) {
      env.problem("PIER_IMAGE_SET: " + e.getMessage());
      return EMPTY;
    }
  }

  /** True for {@code [host[:port]/]path@sha256:<64 hex>}, a reference that cannot come to mean another image. */
  public static boolean isDigestRef(String ref) {
    return ref != null && DIGEST_REF.matcher(ref).matches();
  }

  /** The image a template's image name means: its pinned reference, or the name itself when the set lacks it. */
  public String resolve(String image) {
    return refs.getOrDefault(image, image);
  }

  /** The pinned reference of a name, if the set has it. */
  public Optional<String> refOf(String name) {
    return Optional.ofNullable(refs.get(name));
  }

  /** True when {@code ref} is one of the set's pinned references. */
  public boolean pins(String ref) {
    return refs.containsValue(ref);
  }

  /** Image name → pinned reference, sorted by name. */
  public Map<String, String> entries() {
    return new TreeMap<>(refs);
  }

  /** The pinned references, each once. */
  public Collection<String> refs() {
    return refs.values().stream().distinct().sorted().toList();
  }

  public boolean isEmpty() {
    return refs.isEmpty();
  }

  @Override
  public String toString() {
    return refs.isEmpty() ? "no image set" : refs.size() + " pinned image(s)";
  }
}
