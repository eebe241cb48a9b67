package io.pier.scheduler;

import io.pier.common.store.ObjectStore;
import io.pier.common.store.StorageLayout;
import io.pier.common.template.TemplateCatalog;
import io.pier.common.template.TemplateManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

/** Uploads the templates of the local catalog to storage ({@code templates/<name>/...}), so create can copy them. */
public final class TemplatePublisher {
  private final ObjectStore store;

  public TemplatePublisher(ObjectStore store) {
    this.store = store;
  }

  /** Makes {@code templates/<name>/} in storage hold exactly the local folder's files, for every template. */
  public void publish(TemplateCatalog catalog) {
    for (TemplateManifest manifest : catalog.all()) {
      Path folder = catalog.folder(manifest.name());
      String prefix = StorageLayout.template(manifest.name());
      Set<String> uploaded = new HashSet<>();
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          String key = prefix + folder.relativize(file).toString().replace('\\', '/');
          store.putFile(key, file);
          uploaded.add(key);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (ObjectStore.ObjectInfo stale : store.list(prefix)) {
        if (!uploaded.contains(stale.key())) store.delete(stale.key());
      }
    }
  }
}
