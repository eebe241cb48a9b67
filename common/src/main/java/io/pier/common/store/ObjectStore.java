package io.pier.common.store;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The bucket Pier keeps templates, users' files and repl metadata in. Calls block: run them off the event loop.
 * Keys are relative to the bucket and use {@code /} as separator.
 */
public interface ObjectStore {

  /** Creates the bucket if it does not exist. */
  void ensureBucket();

  void put(String key, byte[] content);

  void putFile(String key, Path file);

  /**
   * Stores {@code length} bytes read from a stream that {@code content} opens (again for each attempt).
   *
   * @throws Refused when the store refuses this key or content for good
   */
  void putStream(String key, long length, Supplier<InputStream> content);

  /** @return the object's bytes, or empty when there is no such object */
  Optional<byte[]> get(String key);

  /** @return the object's content as a stream the caller closes, or empty when there is no such object */
  Optional<InputStream> openStream(String key);

  /** Every object whose key starts with {@code prefix}, in key order, all pages of them. */
  List<ObjectInfo> list(String prefix);

  /**
   * Hands every object whose key starts with {@code prefix} to {@code each}, in key order, a page at a time as the
   * store answers: work on the first page can start while the next one is fetched.
   */
  default void listEach(String prefix, Consumer<ObjectInfo> each) {
    list(prefix).forEach(each);
  }

  /** The immediate "sub-folders" of {@code prefix}: for {@code repls/} that is {@code repls/<slug>/} for each slug. */
  List<String> listFolders(String prefix);

  /** Server-side copy. */
  void copy(String fromKey, String toKey);

  void delete(String key);

  /** Deletes every object whose key starts with {@code prefix}. @return how many were deleted */
  int deletePrefix(String prefix);

  /**
   * One object of a listing.
   *
   * @param etag the object's entity tag without quotes; for an object stored in one PUT, the hex MD5 of its bytes
   */
  record ObjectInfo(String key, long size, String etag) {
    public ObjectInfo(String key, long size) {
      this(key, size, null);
    }

    /** True when {@link #etag} is known to be the MD5 of the content (32 hex digits: not a multipart upload). */
    public boolean etagIsMd5() {
      return etag != null && etag.matches("[0-9a-fA-F]{32}");
    }
  }

  /** The store refused a key or its content for good (a 4xx answer to it): trying again cannot help. */
  final class Refused extends RuntimeException {
    public Refused(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
