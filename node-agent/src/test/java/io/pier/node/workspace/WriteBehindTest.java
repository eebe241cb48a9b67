package io.pier.node.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.store.InMemoryObjectStore;
import io.pier.common.store.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteBehindTest {
  private static final WriteBehind.Settings SETTINGS =
      new WriteBehind.Settings(
          Duration.ofSeconds(1),
          Duration.ofSeconds(5),
          Duration.ofMillis(200),
          Duration.ofSeconds(2),
          Duration.ofMillis(5));

  @TempDir Path dir;
  @TempDir Path journals;
  private final MutableClock clock = new MutableClock();
  private final FlakyStore store = new FlakyStore();
  private ScheduledExecutorService timer;
  private ExecutorService transfers;
  private WriteBehind queue;

  @BeforeEach
  void setUp() {
    timer = Executors.newSingleThreadScheduledExecutor();
    transfers = Executors.newFixedThreadPool(4);
    queue =
        new WriteBehind(
            "r1",
            new WorkspaceTree(dir, null),
            store,
            IgnoreList.DEFAULT,
            new Journal(journals.resolve("r1")),
            SETTINGS,
            timer,
            transfers,
            clock,
            null);
  }

  @AfterEach
  void tearDown() {
    queue.close();
    timer.shutdownNow();
    transfers.shutdownNow();
  }

  @Test
  void steadyTypingIsOneUploadPerQuietPeriod() throws Exception {
    for (int keystroke = 0; keystroke < 8; keystroke++) {
      write("app.js", "v" + keystroke);
      queue.changed(List.of("app.js"));
      clock.advance(Duration.ofMillis(100));
    }
    assertNothingHappensFor(Duration.ofMillis(100));
    assertEquals(0, store.puts.get(), "nothing is uploaded while the user types");
    clock.advance(Duration.ofSeconds(1));
    eventually(() -> queue.status().pending() == 0);
    assertEquals(1, store.puts.get());
    assertEquals("v7", stored("app.js"));
  }

  @Test
  void aFileThatKeepsChangingIsStoredAfterTheMaximumDelay() throws Exception {
    for (int i = 0; i < 12; i++) {
      write("log.txt", "line " + i);
      queue.changed(List.of("log.txt"));
      clock.advance(Duration.ofMillis(500));
    }
    eventually(() -> store.puts.get() >= 1);
    assertTrue(
        stored("log.txt").startsWith("line "),
        "stored within the maximum delay though it never went quiet");
  }

  @Test
  void deletionsAndDeletedFoldersReachStorage() throws Exception {
    store.put("repls/r1/files/gone.txt", "x".getBytes(StandardCharsets.UTF_8));
    store.put("repls/r1/files/lib/a.js", "a".getBytes(StandardCharsets.UTF_8));
    store.put("repls/r1/files/lib/deep/b.js", "b".getBytes(StandardCharsets.UTF_8));
    queue.changed(List.of("gone.txt", "lib"));
    clock.advance(Duration.ofSeconds(2));
    eventually(() -> queue.status().pending() == 0);
    assertTrue(store.list("repls/r1/files/").isEmpty(), store.list("repls/r1/files/").toString());
  }

  @Test
  void ignoredPathsAreNeverQueued() {
    queue.changed(List.of("node_modules/x/index.js", "src/__pycache__/m.pyc"));
    assertEquals(0, queue.status().pending());
  }

  @Test
  void uploadsRetryWhileStorageIsDownAndNothingIsLost() throws Exception {
    store.down.set(true);
    write("main.py", "print(1)");
    queue.changed(List.of("main.py"));
    clock.advance(Duration.ofSeconds(2));
    eventually(() -> queue.status().failures() >= 1);
    assertEquals(1, queue.status().pending());
    assertTrue(queue.status().lastError().contains("storage is down"));
    assertEquals(
        List.of("main.py"),
        List.copyOf(Journal.read(journals.resolve("r1"))),
        "the journal keeps it");

    store.down.set(false);
    clock.advance(Duration.ofSeconds(3));
    eventually(() -> queue.status().pending() == 0);
    assertEquals("print(1)", stored("main.py"));
    assertTrue(
        Journal.read(journals.resolve("r1")).isEmpty(), "the journal is emptied once stored");
  }

  @Test
  void pathsThatCanNeverBeStoredAreGivenUpAtOnceAndADrainCompletes() throws Exception {
    write("ok.txt", "fine");
    write("l\\..\\..\\victim\\files\\index.js", "owned");
    write("refused.bin", "x");
    store.refused.add("repls/r1/files/refused.bin");
    queue.changed(
        List.of("ok.txt", "l\\..\\..\\victim\\files\\index.js", "refused.bin", "new\nline"));
    queue.drain().get(5, TimeUnit.SECONDS);
    assertEquals("fine", stored("ok.txt"));
    assertEquals(
        Set.of("l\\..\\..\\victim\\files\\index.js", "refused.bin", "new\nline"),
        queue.unstorable().keySet());
    assertEquals(
        List.of("repls/r1/files/ok.txt"),
        store.list("").stream().map(ObjectStore.ObjectInfo::key).toList());
  }

  @Test
  void aStorageClientThatAsksForTheContentTwiceGetsAllOfItBothTimes() throws Exception {
    store.readsTwice.set(true);
    write("signed.txt", "every byte");
    queue.changed(List.of("signed.txt"));
    queue.drain().get(5, TimeUnit.SECONDS);
    assertEquals("every byte", stored("signed.txt"));
  }

  @Test
  void drainStoresEverythingAtOnceWithoutWaitingForQuiet() throws Exception {
    write("a.txt", "a");
    write("b.txt", "b");
    queue.changed(List.of("a.txt", "b.txt"));
    queue.drain().get(5, TimeUnit.SECONDS);
    assertEquals("a", stored("a.txt"));
    assertEquals("b", stored("b.txt"));
    assertEquals(Duration.ZERO, queue.status().lag());
  }

  @Test
  void lagIsTheAgeOfTheOldestPendingChange() throws Exception {
    store.down.set(true);
    write("a.txt", "a");
    queue.changed(List.of("a.txt"));
    clock.advance(Duration.ofSeconds(7));
    assertEquals(Duration.ofSeconds(7), queue.status().lag());
  }

  /** Writes as editors do, through a new file renamed into place: an upload never sees it half written. */
  private void write(String path, String content) throws Exception {
    Path file = dir.resolve(path);
    Files.createDirectories(file.getParent());
    Path temp = Files.writeString(file.resolveSibling(file.getFileName() + ".next"), content);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private String stored(String path) {
    return new String(store.get("repls/r1/files/" + path).orElseThrow(), StandardCharsets.UTF_8);
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 5 s");
      TimeUnit.MILLISECONDS.sleep(5);
    }
  }

  /** The queue ticks every 5 ms: several ticks pass in this time. */
  private static void assertNothingHappensFor(Duration d) throws InterruptedException {
    TimeUnit.MILLISECONDS.sleep(d.toMillis());
  }

  static final class MutableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-11-22T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /** Storage that counts uploads and can be taken down. */
  static final class FlakyStore implements ObjectStore {
    final InMemoryObjectStore inner = new InMemoryObjectStore();
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger puts = new AtomicInteger();
    final AtomicBoolean readsTwice = new AtomicBoolean();
    final Set<String> refused = ConcurrentHashMap.newKeySet();

    private void check() {
      if (down.get()) throw new IllegalStateException("storage is down");
    }

    @Override
    public void ensureBucket() {}

    @Override
    public void put(String key, byte[] content) {
      check();
      inner.put(key, content);
    }

    // Counted once stored: a test that sees the count may read the object at once.
    @Override
    public void putFile(String key, Path file) {
      check();
      inner.putFile(key, file);
      puts.incrementAndGet();
    }

    @Override
    public Optional<byte[]> get(String key) {
      check();
      return inner.get(key);
    }

    @Override
    public void putStream(String key, long length, Supplier<InputStream> content) {
      check();
      if (refused.contains(key)) throw new Refused("refused " + key, null);
      if (readsTwice.get()) {
        // As a client that reads the content once to sign it, then again to send it.
        try (InputStream first = content.get()) {
          first.readAllBytes();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      inner.putStream(key, length, content);
      puts.incrementAndGet();
    }

    @Override
    public Optional<InputStream> openStream(String key) {
      check();
      return inner.openStream(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
      check();
      return inner.list(prefix);
    }

    @Override
    public List<String> listFolders(String prefix) {
      check();
      return inner.listFolders(prefix);
    }

    @Override
    public void copy(String from, String to) {
      check();
      inner.copy(from, to);
    }

    @Override
    public void delete(String key) {
      check();
      inner.delete(key);
    }

    @Override
    public int deletePrefix(String prefix) {
      check();
      return inner.deletePrefix(prefix);
    }
  }
}
