package io.pier.common.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;

/** An {@link ObjectStore} in memory: for unit tests of the parts above storage. */
public final class InMemoryObjectStore implements ObjectStore {
  private final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();

  @Override
  public void ensureBucket() {}

  @Override
  public void put(String key, byte[] content) {
    objects.put(key, content.clone());
  }

  @Override
  public void putFile(String key, Path file) {
    try {
      objects.put(key, Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Optional<byte[]> get(String key) {
    return Optional.ofNullable(objects.get(key)).map(byte[]::clone);
  }

  @Override
  public void putStream(String key, long length, Supplier<InputStream> content) {
    if (StorageKeys.hasDotSegment(key)) throw new Refused("refused key " + key, null);
    try (InputStream in = content.get()) {
      byte[] bytes = in.readNBytes((int) Math.min(length, Integer.MAX_VALUE));
      if (bytes.length != length)
        throw new IllegalStateException("the content ended after " + bytes.length + " bytes");
      objects.put(key, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Optional<InputStream> openStream(String key) {
    return get(key).map(ByteArrayInputStream::new);
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    List<ObjectInfo> found = new ArrayList<>();
    objects
        .tailMap(prefix)
        .forEach(
            (k, v) -> {
              if (k.startsWith(prefix)) found.add(new ObjectInfo(k, v.length, md5(v)));
            });
    return found;
  }

  private static String md5(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public List<String> listFolders(String prefix) {
    TreeSet<String> folders = new TreeSet<>();
    for (ObjectInfo o : list(prefix)) {
      int slash = o.key().indexOf('/', prefix.length());
      if (slash >= 0) folders.add(o.key().substring(0, slash + 1));
    }
    return new ArrayList<>(folders);
  }

  @Override
  public void copy(String fromKey, String toKey) {
    byte[] content = objects.get(fromKey);
    if (content == null) throw new IllegalArgumentException("no such object: " + fromKey);
    objects.put(toKey, content);
  }

  @Override
  public void delete(String key) {
    objects.remove(key);
  }

  @Override
  public int deletePrefix(String prefix) {
    List<ObjectInfo> doomed = list(prefix);
    doomed.forEach(o -> objects.remove(o.key()));
    return doomed.size();
  }
}
