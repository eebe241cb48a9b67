package io.pier.node;

import io.pier.common.store.ObjectStore;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An object store that hands every call to another: a test's store that holds up, fails or pages some calls
 * overrides those alone.
 */
public abstract class ForwardingObjectStore implements ObjectStore {
  private final ObjectStore objects;

  protected ForwardingObjectStore(ObjectStore objects) {
    this.objects = objects;
  }

  @Override
  public void ensureBucket() {
    objects.ensureBucket();
  }

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
    return objects.openStream(key);
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    return objects.list(prefix);
  }

  @Override
  public void listEach(String prefix, Consumer<ObjectInfo> each) {
    objects.listEach(prefix, each);
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
