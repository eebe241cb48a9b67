package io.pier.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.config.Mains;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.Limits;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.node.sandbox.FakeSandboxDriver;
import io.pier.node.workspace.RestoreMark;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order of a cold start on a fake driver and a storage that can be held up: the sandbox is created while the
 * files are restored, the run command waits for the restore, and a restore that fails takes the sandbox with it.
 */
class ColdStartTest {
  private static final String IMAGE = "pier-runner-node:latest";
  private static final Limits LIMITS = new Limits(0.5, 256, 128);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String NODE = FakeNode.NODE;

  @TempDir Path data;
  private final HookedObjectStore store = new HookedObjectStore();
  private final FakeSandboxDriver driver = new FakeSandboxDriver(IMAGE);

  private FakeNode node;

  @BeforeEach
  void setUp() {
    node = new FakeNode(data, store, driver);
  }

  @AfterEach
  void tearDown() {
    node.close();
  }

  @Test
  void theSandboxIsCreatedWhileTheFilesAreRestoredAndTheRunCommandWaitsForThem() throws Exception {
    store.put("repls/alpha/files/server.js", "the app".getBytes(StandardCharsets.UTF_8));
    CountDownLatch sandboxBegun = new CountDownLatch(1);
    driver.onStart = sandboxBegun::countDown;
    AtomicBoolean overlapped = new AtomicBoolean();
    // The download waits for the sandbox's creation to begin (in vain if they ran one after the
    // other), then takes a while longer, so that the sandbox is up well before the files are.
    store.onOpen =
        key -> {
          overlapped.set(await(sandboxBegun, Duration.ofSeconds(5)));
          sleep(Duration.ofMillis(300));
        };
    List<String> seenByCommands = new CopyOnWriteArrayList<>();
    driver.onExec = command -> seenByCommands.add(whatTheSandboxHas("alpha"));

    Mains.await(node.agent().start(request("alpha")), WAIT);

    assertTrue(overlapped.get(), "the sandbox's creation began before the restore finished");
    assertFalse(seenByCommands.isEmpty(), "the run command ran");
    assertEquals(
        List.of("the app, restore done"),
        seenByCommands.stream().distinct().toList(),
        "nothing ran in the sandbox before its files were all restored");
    assertTrue(driver.prepared.contains(node.workspaces.of("alpha")), "the workspace was readied");
  }

  @Test
  void aRestoreThatFailsRemovesTheSandboxCreatedBesideItAndFailsTheStartWithItsError()
      throws Exception {
    store.put("repls/alpha/files/a.txt", "stored a".getBytes(StandardCharsets.UTF_8));
    store.put("repls/alpha/files/b.txt", "stored b".getBytes(StandardCharsets.UTF_8));
    CountDownLatch sandboxBegun = new CountDownLatch(1);
    // The sandbox exists only well after the restore has failed: the start's clean-up must wait
    // for it.
    driver.onStart =
        () -> {
          sandboxBegun.countDown();
          sleep(Duration.ofMillis(500));
        };
    store.onOpen =
        key -> {
          await(sandboxBegun, Duration.ofSeconds(5));
          if (key.endsWith("b.txt")) throw new IllegalStateException("storage went away");
        };

    ExecutionException failure = failureOf(node.agent().start(request("alpha")));

    assertTrue(messages(failure).contains("storage went away"), "the restore's error: " + failure);
    sleep(Duration.ofMillis(700));
    assertTrue(driver.ids().isEmpty(), "the sandbox created beside the restore is gone");
    assertTrue(driver.commands.isEmpty(), "nothing ran in it");
    assertTrue(node.handles.read("alpha").isEmpty());
    assertFalse(Files.exists(node.workspaces.of("alpha")), "the half-restored workspace is gone");
    assertFalse(RestoreMark.of(data.resolve("journal"), "alpha").isSet());
    assertEquals(
        "stored b",
        new String(store.get("repls/alpha/files/b.txt").orElseThrow(), StandardCharsets.UTF_8));
  }

  @Test
  void aSandboxWhoseAgentDiedMidRestoreIsRemovedNotAdoptedAndStorageKeepsTheFiles()
      throws Exception {
    store.put("repls/alpha/files/a.txt", "stored a".getBytes(StandardCharsets.UTF_8));
    store.put("repls/alpha/files/b.txt", "stored b".getBytes(StandardCharsets.UTF_8));
    Mains.await(node.agent().start(request("alpha")), WAIT);
    Mains.await(node.cluster.repls().put("alpha", record(ReplState.STARTING)), WAIT);
    // What an agent that died in the middle of a restore leaves now that the sandbox is created
    // beside it: a running sandbox with its handle, the mark, a torn file, one missing.
    node.killAgents();
    RestoreMark.of(data.resolve("journal"), "alpha").set();
    Files.writeString(node.workspaces.of("alpha").resolve("a.txt"), "sto");
    Files.delete(node.workspaces.of("alpha").resolve("b.txt"));

    ReplHost restarted = node.agent();
    Mains.await(restarted.reconcile(), WAIT);

    assertTrue(restarted.live("alpha").isEmpty(), "not adopted");
    assertTrue(driver.ids().isEmpty(), "its sandbox is removed");
    assertEquals(
        "stored a",
        new String(store.get("repls/alpha/files/a.txt").orElseThrow(), StandardCharsets.UTF_8));
    assertEquals(
        "stored b",
        new String(store.get("repls/alpha/files/b.txt").orElseThrow(), StandardCharsets.UTF_8));
  }

  /** The slug's restored file as the sandbox sees it now, and whether its restore is over. */
  private String whatTheSandboxHas(String slug) {
    Path file = node.workspaces.of(slug).resolve("server.js");
    try {
      String content = Files.exists(file) ? Files.readString(file) : "no file";
      boolean restoring = RestoreMark.of(data.resolve("journal"), slug).isSet();
      return content + (restoring ? ", restoring" : ", restore done");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String messages(Throwable error) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = error; t != null; t = t.getCause()) all.append(t.getMessage()).append('\n');
    return all.toString();
  }

  private static boolean await(CountDownLatch latch, Duration timeout) {
    try {
      return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void sleep(Duration time) {
    try {
      Thread.sleep(time.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static StartRequest request(String slug) {
    return new StartRequest(slug, IMAGE, "node server.js", 3000, LIMITS, null);
  }

  private static ReplRecord record(ReplState state) {
    return new ReplRecord("alpha", "node", null, state, NODE, Instant.now(), Instant.now(), LIMITS);
  }

  private static ExecutionException failureOf(Future<?> operation) throws Exception {
    try {
      operation.toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e;
    }
    throw new AssertionError("expected the operation to fail");
  }
}
