package io.pier.node.collab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.node.session.FileChange;
import io.pier.node.session.SessionException;
import io.pier.node.session.WorkspaceFiles;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A repl's documents over an in-memory disk, on a real Vert.x context (timers, write-behind, linger). */
class ReplDocumentsTest {
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final Map<String, String> files = new ConcurrentHashMap<>();
  private final AtomicInteger writes = new AtomicInteger();
  private final CollabLimits limits = new CollabLimits(2, 5, 1 << 20, 200, 100);
  private final ReplDocuments.Reader reader =
      path -> {
        String text = files.get(path);
        return text == null
            ? Future.failedFuture(new SessionException("not_found", "no such file: " + path))
            : Future.succeededFuture(text);
      };
  private final DocumentDisk.Store store =
      (path, text) -> {
        writes.incrementAndGet();
        files.put(path, text);
        return Future.succeededFuture(version(text));
      };
  private final ReplDocuments docs =
      new ReplDocuments(
          vertx, reader, new DocumentDisk(vertx, store, limits.writeDelayMs()), limits);

  @AfterEach
  void close() {
    vertx.close();
  }

  private static String version(String text) {
    return WorkspaceFiles.version(text.getBytes(StandardCharsets.UTF_8));
  }

  private <T> T on(Callable<T> work) throws Exception {
    return OnContext.call(context, work);
  }

  private <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static void eventually(BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError(what);
      Thread.sleep(5);
    }
  }

  private static List<SharedDocument.Update> insert(String client, int length, int at, String s) {
    JsonArray a = new JsonArray();
    if (at > 0) a.add(at);
    a.add(new JsonArray().add(0).add(s));
    if (length - at > 0) a.add(length - at);
    return List.of(new SharedDocument.Update(client, a));
  }

  @Test
  void everyoneWithTheFileOpenGetsEachUpdateAndABurstIsWrittenOnce() throws Exception {
    files.put("a.txt", "hi\n");
    RecordingPeer alice = new RecordingPeer("alice");
    RecordingPeer bob = new RecordingPeer("bob");
    JsonObject opened = await(on(() -> docs.open(alice, "a.txt", null, null)));
    assertEquals("hi\n", opened.getString("text"));
    assertEquals(0, opened.getInteger("version"));
    await(on(() -> docs.open(bob, "a.txt", null, null)));

    assertTrue(
        on(() -> docs.push(alice, "a.txt", 0, insert("a", 3, 0, "A"))).getBoolean("accepted"));
    JsonObject stale = on(() -> docs.push(bob, "a.txt", 0, insert("b", 3, 2, "B")));
    assertFalse(stale.getBoolean("accepted"));
    assertTrue(on(() -> docs.push(bob, "a.txt", 1, insert("b", 4, 3, "B"))).getBoolean("accepted"));
    for (RecordingPeer p : List.of(alice, bob)) {
      assertEquals(2, p.count("doc.update"), p.events.toString());
      assertEquals(2, p.events.get(1).getInteger("version"));
    }
    eventually(() -> "AhiB\n".equals(files.get("a.txt")), "the document written back");
    Thread.sleep(300);
    assertEquals(1, writes.get(), "two quick pushes, one write");
    assertEquals(version("AhiB\n"), await(on(() -> docs.flush("a.txt"))).getString("version"));
  }

  @Test
  void aClientThatReconnectsGetsWhatItMissedOrTheWholeTextWhenTooFarBehind() throws Exception {
    files.put("a.txt", "");
    RecordingPeer alice = new RecordingPeer("alice");
    String id = await(on(() -> docs.open(alice, "a.txt", null, null))).getString("doc");
    for (int v = 0; v < 8; v++) {
      int base = v;
      on(() -> docs.push(alice, "a.txt", base, insert("a", base, base, "x")));
    }
    RecordingPeer back = new RecordingPeer("back");
    JsonObject caughtUp = await(on(() -> docs.open(back, "a.txt", 5, id)));
    assertEquals(8, caughtUp.getInteger("version"));
    assertEquals(3, caughtUp.getJsonArray("updates").size());
    assertNull(caughtUp.getString("text"));
    JsonObject reloaded = await(on(() -> docs.open(back, "a.txt", 1, id)));
    assertEquals("xxxxxxxx", reloaded.getString("text"));
    assertNull(reloaded.getJsonArray("updates"));
    JsonObject another = await(on(() -> docs.open(back, "a.txt", 5, "another")));
    assertEquals(
        "xxxxxxxx", another.getString("text"), "updates of another document are never sent");
  }

  @Test
  void aPushToAFileNotOpenIsRefused() throws Exception {
    files.put("a.txt", "");
    RecordingPeer alice = new RecordingPeer("alice");
    SessionException e =
        assertThrows(
            SessionException.class,
            () -> {
              try {
                on(() -> docs.push(alice, "a.txt", 0, insert("a", 0, 0, "x")));
              } catch (ExecutionException ex) {
                throw ex.getCause();
              }
            });
    assertEquals("not_open", e.code());
  }

  @Test
  void aDocumentNobodyHasOpenIsWrittenAndForgottenAfterItsLinger() throws Exception {
    files.put("a.txt", "");
    RecordingPeer alice = new RecordingPeer("alice");
    await(on(() -> docs.open(alice, "a.txt", null, null)));
    on(() -> docs.push(alice, "a.txt", 0, insert("a", 0, 0, "typed")));
    on(
        () -> {
          docs.left(alice);
          return null;
        });
    eventually(() -> !isOpen("a.txt"), "the document forgotten");
    assertEquals("typed", files.get("a.txt"));
  }

  private boolean isOpen(String path) {
    try {
      return on(() -> docs.isOpen(path));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aChangeOnDiskReachesTheEditorsAndTheNodesOwnWritesDoNot() throws Exception {
    files.put("a.txt", "one\n");
    RecordingPeer alice = new RecordingPeer("alice");
    await(on(() -> docs.open(alice, "a.txt", null, null)));
    on(() -> docs.push(alice, "a.txt", 0, insert("a", 4, 4, "two\n")));
    String ours = await(on(() -> docs.flush("a.txt"))).getString("version");
    on(
        () -> {
          docs.filesChanged(List.of(new FileChange("a.txt", "file", "modified", ours)));
          return null;
        });
    files.put("a.txt", "one\ntwo\nthree\n");
    on(
        () -> {
          docs.filesChanged(
              List.of(new FileChange("a.txt", "file", "modified", version("one\ntwo\nthree\n"))));
          return null;
        });
    eventually(() -> alice.count("doc.update") == 2, "the disk's change as an update");
    JsonObject update = alice.events.get(alice.events.size() - 1);
    assertEquals(2, update.getInteger("version"));
    assertEquals(
        ReplDocuments.DISK_CLIENT,
        update.getJsonArray("updates").getJsonObject(0).getString("clientID"));

    on(
        () -> {
          docs.filesChanged(List.of(new FileChange("a.txt", "file", "deleted", null)));
          return null;
        });
    assertEquals(1, alice.count("doc.gone"));
    assertFalse(isOpen("a.txt"));
  }

  @Test
  void theNumberOfOpenDocumentsIsBounded() throws Exception {
    RecordingPeer alice = new RecordingPeer("alice");
    for (String p : List.of("a", "b", "c")) files.put(p, "");
    await(on(() -> docs.open(alice, "a", null, null)));
    await(on(() -> docs.open(alice, "b", null, null)));
    var failed =
        on(
            () -> {
              try {
                docs.open(alice, "c", null, null);
                return null;
              } catch (SessionException e) {
                return e.code();
              }
            });
    assertEquals("too_many_documents", failed);
  }

  @Test
  void aFileWithCarriageReturnsIsNotCoEdited() throws Exception {
    files.put("win.txt", "a\r\nb");
    RecordingPeer alice = new RecordingPeer("alice");
    Future<JsonObject> opened = on(() -> docs.open(alice, "win.txt", null, null));
    eventually(opened::isComplete, "answered");
    assertTrue(opened.failed());
    assertEquals("not_coeditable", ((SessionException) opened.cause()).code());
  }

  @Test
  void theNodesGaugesFollowDocumentsOpeningAndClosing() throws Exception {
    MeterRegistry metrics = new SimpleMeterRegistry();
    new CollabGauges(metrics, () -> Stream.of(docs));
    Gauge documentsOpen = metrics.get("pier.collab.documents.open").gauge();
    Gauge updatesKept = metrics.get("pier.collab.updates.kept").gauge();
    assertEquals(0, documentsOpen.value());
    assertEquals(0, updatesKept.value());

    files.put("a.txt", "");
    files.put("b.txt", "");
    RecordingPeer alice = new RecordingPeer("alice");
    await(on(() -> docs.open(alice, "a.txt", null, null)));
    await(on(() -> docs.open(alice, "b.txt", null, null)));
    assertEquals(2, documentsOpen.value());
    for (int v = 0; v < 7; v++) {
      int base = v;
      on(() -> docs.push(alice, "a.txt", base, insert("a", base, base, "x")));
    }
    on(() -> docs.push(alice, "b.txt", 0, insert("a", 0, 0, "y")));
    assertEquals(limits.maxHistory() + 1, updatesKept.value(), "a.txt keeps its last 5, b.txt 1");

    on(
        () -> {
          docs.close(alice, "b.txt");
          return null;
        });
    eventually(() -> documentsOpen.value() == 1, "b.txt forgotten after its linger");
    assertEquals(limits.maxHistory(), updatesKept.value());
    on(
        () -> {
          docs.left(alice);
          return null;
        });
    eventually(() -> documentsOpen.value() == 0, "a.txt forgotten after its linger");
    assertEquals(0, updatesKept.value());
  }
}
