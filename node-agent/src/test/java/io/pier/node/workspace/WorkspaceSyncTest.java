package io.pier.node.workspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.store.InMemoryObjectStore;
import io.pier.common.store.ObjectStore;
import io.pier.common.store.StorageLayout;
import io.pier.node.ForwardingObjectStore;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restore from storage into a workspace, on a store in memory that lists in pages as S3 does. */
class WorkspaceSyncTest {
  private static final String PREFIX = StorageLayout.replFiles("r1");

  @TempDir Path workspace;
  private final InMemoryObjectStore objects = new InMemoryObjectStore();
  private final ExecutorService transfers = Executors.newFixedThreadPool(4);

  @AfterEach
  void tearDown() {
    transfers.shutdownNow();
  }

  @Test
  void aRestoreBringsEveryFileOfAManyPagedListingIntoManyFolders() throws Exception {
    for (int i = 0; i < 2500; i++) {
      objects.put(PREFIX + path(i), content(i));
    }
    PagedStore paged = new PagedStore(objects, 1000, null);

    WorkspaceSnapshot restored =
        new WorkspaceSync(paged, transfers).restore("r1", WorkspaceTree.of(workspace));

    assertEquals(3, paged.pages.get(), "the listing came in pages");
    assertEquals(2500, restored.files().size());
    for (int i = 0; i < 2500; i++) {
      assertArrayEquals(content(i), Files.readAllBytes(workspace.resolve(path(i))), path(i));
    }
    try (Stream<Path> left = Files.walk(workspace)) {
      assertTrue(
          left.noneMatch(p -> p.toString().endsWith(WorkspaceTree.TEMP_SUFFIX)),
          "no temporary file is left");
    }
  }

  @Test
  void downloadsStartBeforeTheListingHasEnded() {
    for (int i = 0; i < 300; i++) {
      objects.put(PREFIX + path(i), content(i));
    }
    // The store hands out its second page only once a download of the first has begun.
    CountDownLatch downloading = new CountDownLatch(1);
    PagedStore paged = new PagedStore(objects, 100, downloading);

    WorkspaceSnapshot restored =
        new WorkspaceSync(paged, transfers).restore("r1", WorkspaceTree.of(workspace));

    assertEquals(300, restored.files().size());
  }

  @Test
  void aListingThatFailsHalfWayFailsTheRestore() {
    for (int i = 0; i < 300; i++) {
      objects.put(PREFIX + path(i), content(i));
    }
    PagedStore paged = new PagedStore(objects, 100, null);
    paged.failAfterPages = 1;

    assertThrows(
        IllegalStateException.class,
        () -> new WorkspaceSync(paged, transfers).restore("r1", WorkspaceTree.of(workspace)));
    assertFalse(Files.exists(workspace.resolve(path(299))), "nothing of the later pages came");
  }

  @Test
  void aStoredIgnoreFileKeepsTheFilesItNamesOutOfTheRestore() throws Exception {
    objects.put(PREFIX + IgnoreList.FILE_NAME, "dist\n".getBytes(StandardCharsets.UTF_8));
    objects.put(PREFIX + "dist/bundle.js", content(1));
    objects.put(PREFIX + "src/app.js", content(2));

    WorkspaceSnapshot restored =
        new WorkspaceSync(objects, transfers).restore("r1", WorkspaceTree.of(workspace));

    assertFalse(Files.exists(workspace.resolve("dist/bundle.js")), "an ignored file stays out");
    assertArrayEquals(content(2), Files.readAllBytes(workspace.resolve("src/app.js")));
    assertTrue(
        Files.exists(workspace.resolve(IgnoreList.FILE_NAME)), "the ignore file is the user's");
    assertEquals(2, restored.files().size(), restored.files().toString());
  }

  @Test
  void theIgnoreFileIsAskedForWhileTheListingIsUnderWay() {
    objects.put(PREFIX + "src/app.js", content(2));
    // The store answers for the ignore file only once the listing has been asked for: a restore
    // that waits for the ignore file before it lists fails.
    CountDownLatch listing = new CountDownLatch(1);
    ObjectStore store =
        new ForwardingObjectStore(objects) {
          @Override
          public Optional<byte[]> get(String key) {
            if (key.equals(PREFIX + IgnoreList.FILE_NAME))
              PagedStore.await(listing, "the listing was not asked for meanwhile");
            return super.get(key);
          }

          @Override
          public void listEach(String prefix, Consumer<ObjectInfo> each) {
            listing.countDown();
            super.listEach(prefix, each);
          }
        };

    WorkspaceSnapshot restored =
        new WorkspaceSync(store, transfers).restore("r1", WorkspaceTree.of(workspace));

    assertEquals(1, restored.files().size());
  }

  /** Folders of ten files each, two levels deep: 2500 files make 250 folders. */
  private static String path(int i) {
    return "pkg" + (i / 100) + "/sub" + (i / 10 % 10) + "/file" + i + ".txt";
  }

  private static byte[] content(int i) {
    return ("file " + i + " ").repeat(1 + i % 50).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Lists {@code pageSize} objects a page. With {@code downloading} set, waits before each later page until a
   * download has begun, and fails the listing if none begins: a restore that waits for the whole listing fails.
   */
  private static final class PagedStore extends ForwardingObjectStore {
    private final int pageSize;
    private final CountDownLatch downloading;
    final AtomicInteger pages = new AtomicInteger();
    int failAfterPages = Integer.MAX_VALUE;

    PagedStore(ObjectStore objects, int pageSize, CountDownLatch downloading) {
      super(objects);
      this.pageSize = pageSize;
      this.downloading = downloading;
    }

    @Override
    public void listEach(String prefix, Consumer<ObjectInfo> each) {
      List<ObjectInfo> all = list(prefix);
      for (int from = 0; from < all.size(); from += pageSize) {
        if (pages.get() >= failAfterPages) throw new IllegalStateException("the listing broke");
        if (from > 0 && downloading != null)
          await(downloading, "no download began while the listing went on");
        pages.incrementAndGet();
        all.subList(from, Math.min(all.size(), from + pageSize)).forEach(each);
      }
    }

    static void await(CountDownLatch latch, String otherwise) {
      try {
        if (!latch.await(30, TimeUnit.SECONDS)) throw new IllegalStateException(otherwise);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    @Override
    public Optional<InputStream> openStream(String key) {
      if (downloading != null) downloading.countDown();
      return super.openStream(key);
    }
  }
}
