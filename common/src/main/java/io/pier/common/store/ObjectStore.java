package io.pier.common.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The bucket Pier keeps templates, users' files and repl metadata in. Calls block: run them off the event loop.
 * Keys are relative to the bucket and use {@code /} as separator.
 */
public interface ObjectStore {

  /** Creates the bucket if it does not exist. */
  void ensureBucket();

  void put(String key, byte[] content);

  void putFile(String key, Path file);

  /** @return the object's bytes, or empty when there is no such object */
  Optional<byte[]> get(String key);

  /** Writes the object to {@code target}, replacing it. */
  void download(String key, Path target);

  /** Every object whose key starts with {@code prefix}, in key order, all pages of them. */
  List<ObjectInfo> list(String prefix);

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
}
