package io.pier.node.workspace;

import io.pier.common.store.ObjectStore;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** One workspace file to storage, and whether storage holds a file's content already. */
final class Uploads {
  private Uploads() {}

  /**
   * Stores the regular file {@code relative} of the tree under {@code key}. The storage client may ask for the
   * content more than once (to sign it, to retry): the first time it reads the file opened here, each later time the
   * file opened again; every file opened is closed before this returns.
   *
   * @return what the file was when it was opened
   * @throws ObjectStore.Refused when storage refuses the key or content for good
   * @throws WorkspaceAccessException when the path is not a regular file of the tree
   */
  static FileStamp upload(ObjectStore store, WorkspaceTree tree, String relative, String key) {
    List<OpenFile> opened = new ArrayList<>();
    try {
      OpenFile file = tree.open(relative);
      opened.add(file);
      store.putStream(
          key,
          file.size(),
          () -> {
            synchronized (opened) {
              OpenFile next =
                  opened.size() == 1 && !file.streamTaken() ? file : tree.open(relative);
              if (next != file) opened.add(next);
              return next.takeStream();
            }
          });
      return new FileStamp(file.size(), file.modifiedMillis());
    } finally {
      synchronized (opened) {
        opened.forEach(OpenFile::close);
      }
    }
  }

  /**
   * Whether the stored object holds the file's bytes: the same size and MD5 as its entity tag (true when the tag is
   * not an MD5).
   */
  static boolean sameContent(ObjectStore.ObjectInfo stored, WorkspaceTree tree, String relative) {
    if (!stored.etagIsMd5()) return true;
    try (OpenFile file = tree.open(relative)) {
      if (file.size() != stored.size()) return false;
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = file.stream().read(buffer)) > 0; ) md5.update(buffer, 0, n);
      return HexFormat.of().formatHex(md5.digest()).equalsIgnoreCase(stored.etag());
    } catch (IOException | NoSuchAlgorithmException | WorkspaceAccessException e) {
      return false;
    }
  }
}
