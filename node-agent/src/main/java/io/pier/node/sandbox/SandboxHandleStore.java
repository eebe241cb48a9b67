package io.pier.node.sandbox;

import io.pier.common.repl.Slugs;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handles of this node's sandboxes, one file each in the agent's data folder ({@code <dir>/<slug>.json}): what a
 * restarted agent adopts its sandboxes from. Written atomically, so a crash leaves the old file or the new one. Read
 * defensively: a file that is not a handle this version wrote counts as no handle, never as a reason to fail.
 * Every call blocks.
 */
public final class SandboxHandleStore {
  private static final Logger LOG = LoggerFactory.getLogger(SandboxHandleStore.class);
  private static final int VERSION = 1;
  private static final String SUFFIX = ".json";

  /** Far larger than any handle; a bigger file is not one. */
  private static final long MAX_BYTES = 64 * 1024;

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
  private static final int MAX_ENTRIES = 32;
  private static final int MAX_VALUE_CHARS = 4096;

  private final Path dir;

  public SandboxHandleStore(Path dir) {
    this.dir = dir;
  }

  /** Keeps the handle of {@code kept}'s sandbox, replacing the slug's earlier one. */
  public void save(KeptSandbox kept) {
    SandboxHandle handle = kept.handle();
    if (!Slugs.isValid(handle.slug()))
      throw new IllegalArgumentException("not a slug: " + handle.slug());
    JsonObject json =
        new JsonObject()
            .put("version", VERSION)
            .put("driver", handle.driver())
            .put("slug", handle.slug())
            .put("id", handle.id())
            .put("state", new JsonObject(new HashMap<>(handle.state())))
            .put("annotations", new JsonObject(new HashMap<>(kept.annotations())));
    try {
      Files.createDirectories(dir);
      Path partial = Files.createTempFile(dir, "." + handle.slug() + "-", ".partial");
      try {
        Files.writeString(partial, json.encode(), StandardCharsets.UTF_8);
        move(partial, file(handle.slug()));
      } finally {
        Files.deleteIfExists(partial);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot keep the handle of " + handle.slug() + " in " + dir, e);
    }
  }

  /** The slug's handle; empty when there is none, or the file holds no valid one (which is logged). */
  public Optional<KeptSandbox> read(String slug) {
    if (!Slugs.isValid(slug)) return Optional.empty();
    Path file = file(slug);
    try {
      if (!Files.isRegularFile(file)) return Optional.empty();
      if (Files.size(file) > MAX_BYTES)
        throw new IllegalArgumentException("larger than " + MAX_BYTES + " bytes");
      return Optional.of(
          parse(slug, new JsonObject(Files.readString(file, StandardCharsets.UTF_8))));
    } catch (IOException | DecodeException | IllegalArgumentException | ClassCastException e) {
      LOG.warn("ignoring the handle file {}: {}", file, e.getMessage());
      return Optional.empty();
    }
  }

  /** Forgets the slug's handle. No error when there is none. */
  public void delete(String slug) {
    if (!Slugs.isValid(slug)) return;
    try {
      Files.deleteIfExists(file(slug));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the handle of " + slug, e);
    }
  }

  /** The slugs with a handle file, valid or not. */
  public Set<String> slugs() {
    Set<String> slugs = new TreeSet<>();
    if (!Files.isDirectory(dir)) return slugs;
    try (Stream<Path> files = Files.list(dir)) {
      files
          .map(f -> f.getFileName().toString())
          .filter(name -> name.endsWith(SUFFIX))
          .map(name -> name.substring(0, name.length() - SUFFIX.length()))
          .filter(Slugs::isValid)
          .forEach(slugs::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the handles in " + dir, e);
    }
    return slugs;
  }

  private Path file(String slug) {
    return dir.resolve(slug + SUFFIX);
  }

  private static KeptSandbox parse(String slug, JsonObject json) {
    if (!Integer.valueOf(VERSION).equals(json.getValue("version"))) {
      throw new IllegalArgumentException(
          "version " + json.getValue("version") + ", expected " + VERSION);
    }
    if (!slug.equals(json.getValue("slug")))
      throw new IllegalArgumentException("it names another slug");
    String driver = matching(json.getValue("driver"), NAME, "driver");
    String id = matching(json.getValue("id"), ID, "id");
    return new KeptSandbox(
        new SandboxHandle(driver, slug, id, strings(json.getJsonObject("state"), "state")),
        strings(json.getJsonObject("annotations"), "annotations"));
  }

  private static String matching(Object value, Pattern pattern, String what) {
    if (!(value instanceof String text) || !pattern.matcher(text).matches()) {
      throw new IllegalArgumentException("no valid " + what);
    }
    return text;
  }

  private static Map<String, String> strings(JsonObject object, String what) {
    if (object == null) throw new IllegalArgumentException("no " + what);
    if (object.size() > MAX_ENTRIES) throw new IllegalArgumentException("too many " + what);
    Map<String, String> values = new HashMap<>();
    for (String key : object.fieldNames()) {
      // getString would turn a number into text: only what was written as a string is what this
      // store wrote.
      if (!(object.getValue(key) instanceof String value)
          || value.length() > MAX_VALUE_CHARS
          || key.length() > MAX_VALUE_CHARS) {
        throw new IllegalArgumentException(
            what + " " + key + " is not a string of at most " + MAX_VALUE_CHARS);
      }
      values.put(key, value);
    }
    return values;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
