package io.pier.common.template;

import io.pier.common.image.ImageSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The templates found in a folder: every sub-folder with a {@code pier.json} manifest. */
public final class TemplateCatalog {
  private final Path root;
  private final Map<String, TemplateManifest> byName;

  private TemplateCatalog(Path root, Map<String, TemplateManifest> byName) {
    this.root = root;
    this.byName = Collections.unmodifiableMap(byName);
  }

  /**
   * Loads every template under {@code root}.
   *
   * @throws IllegalArgumentException naming the file when a manifest is invalid, or when a folder's name and its
   *     manifest's name differ
   */
  public static TemplateCatalog load(Path root) {
    if (!Files.isDirectory(root))
      throw new IllegalArgumentException("templates folder not found: " + root);
    Map<String, TemplateManifest> found = new TreeMap<>();
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir :
          dirs.filter(d -> Files.isRegularFile(d.resolve(TemplateManifest.FILE_NAME))).toList()) {
        Path file = dir.resolve(TemplateManifest.FILE_NAME);
        TemplateManifest manifest;
        try {
          manifest = TemplateManifest.parse(Files.readString(file));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        if (!manifest.name().equals(dir.getFileName().toString())) {
          throw new IllegalArgumentException(
              file + ": name '" + manifest.name() + "' differs from its folder");
        }
        found.put(manifest.name(), manifest);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (found.isEmpty())
      throw new IllegalArgumentException("no template (a folder with pier.json) under " + root);
    return new TemplateCatalog(root, found);
  }

  /**
   * The same templates, each naming the image the set pins for its image name (a template whose image the set lacks
   * keeps its name), so placement and nodes deal in exact images.
   */
  public TemplateCatalog withImages(ImageSet images) {
    if (images.isEmpty()) return this;
    Map<String, TemplateManifest> pinned = new TreeMap<>();
    byName.forEach(
        (name, m) ->
            pinned.put(
                name,
                new TemplateManifest(
                    m.name(),
                    m.title(),
                    m.description(),
                    images.resolve(m.image()),
                    m.run(),
                    m.port(),
                    m.open(),
                    m.limits(),
                    m.install())));
    return new TemplateCatalog(root, pinned);
  }

  public Optional<TemplateManifest> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public Collection<TemplateManifest> all() {
    return byName.values();
  }

  /** The folder of one template's files. */
  public Path folder(String name) {
    return root.resolve(name);
  }
}
