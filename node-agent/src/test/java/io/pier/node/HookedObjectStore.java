package io.pier.node;

import io.pier.common.store.InMemoryObjectStore;
import io.pier.common.store.ObjectStore;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Storage in memory that lets a test hold up or fail the download of an object, as a slow or failing S3 would. */
final class HookedObjectStore implements ObjectStore {
  private final InMemoryObjectStore objects = new InMemoryObjectStore();

  /** Runs with the key of each object as its download opens; what it throws, the download throws. */
  volatile Consumer<String> onOpen = key -> {};

  @Override
  public void ensureBucket() {}

  @Override
  public void put(String key, byte[] content) {
    objects.put(key, content);
  }

  @Override
  public void putFile(String key, Path file) {
    objects.putFile(key, file);
  }

  @Override
  public void putStream(String key, long length, Supplier<InputStream> content) {
    objects.putStream(key, length, content);
  }

  @Override
  public Optional<byte[]> get(String key) {
    return objects.get(key);
  }

  @Override
  public Optional<InputStream> openStream(String key) {
    onOpen.accept(key);
    return objects.openStream(key);
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    return objects.list(prefix);
  }

  @Override
  public List<String> listFolders(String prefix) {
    return objects.listFolders(prefix);
  }

  @Override
  public void copy(String fromKey, String toKey) {
    objects.copy(fromKey, toKey);
  }

  @Override
  public void delete(String key) {
    objects.delete(key);
  }

  @Override
  public int deletePrefix(String prefix) {
    return objects.deletePrefix(prefix);
  }
}
