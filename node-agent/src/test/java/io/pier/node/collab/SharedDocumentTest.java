package io.pier.node.collab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.node.collab.SharedDocument.Update;
import io.pier.node.session.SessionException;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SharedDocumentTest {
  /** Inserts {@code s} at {@code at} of a text {@code length} long. */
  private static JsonArray insert(int length, int at, String s) {
    JsonArray a = new JsonArray();
    if (at > 0) a.add(at);
    a.add(new JsonArray().add(0).add(s));
    if (length - at > 0) a.add(length - at);
    return a;
  }

  @Test
  void takesAPushMadeOnTheCurrentVersionAndRefusesAStaleOneForARebase() {
    SharedDocument doc = new SharedDocument("a.txt", "line\n", 1000, 1 << 20);
    var first = doc.push(0, List.of(new Update("alice", insert(5, 0, "A"))));
    assertTrue(first.accepted());
    assertEquals(1, first.version());
    // Bob made his change on version 0 too: refused, he rebases on update 1 and pushes again.
    var stale = doc.push(0, List.of(new Update("bob", insert(5, 4, "B"))));
    assertFalse(stale.accepted());
    assertEquals(1, stale.version());
    assertEquals("Aline\n", doc.text());
    assertEquals(1, doc.since(0).orElseThrow().size());
    assertEquals("alice", doc.since(0).orElseThrow().get(0).clientId());
    assertTrue(doc.push(1, List.of(new Update("bob", insert(6, 5, "B")))).accepted());
    assertEquals("AlineB\n", doc.text());
    assertEquals(2, doc.version());
  }

  @Test
  void aMalformedUpdateChangesNothing() {
    SharedDocument doc = new SharedDocument("a.txt", "abc", 1000, 1 << 20);
    assertThrows(
        SessionException.class,
        () ->
            doc.push(
                0,
                List.of(
                    new Update("a", insert(3, 0, "x")), new Update("a", new JsonArray("[9]")))));
    assertEquals("abc", doc.text());
    assertEquals(0, doc.version());
  }

  @Test
  void keepsABoundedHistoryAndSaysWhenAClientIsTooFarBehind() {
    SharedDocument doc = new SharedDocument("a.txt", "", 10, 1 << 20);
    for (int v = 0; v < 25; v++) doc.push(v, List.of(new Update("a", insert(v, v, "x"))));
    assertEquals(25, doc.version());
    assertTrue(doc.since(14).isEmpty(), "update 15 is no longer kept");
    assertEquals(10, doc.since(15).orElseThrow().size());
    assertEquals(0, doc.since(25).orElseThrow().size());
    assertTrue(doc.since(26).isEmpty());
  }

  @Test
  void refusesATextLargerThanTheLimit() {
    SharedDocument doc = new SharedDocument("a.txt", "", 1000, 16);
    SessionException e =
        assertThrows(
            SessionException.class,
            () -> doc.push(0, List.of(new Update("a", insert(0, 0, "ééééééééé")))));
    assertEquals("too_large", e.code());
    assertEquals("", doc.text());
  }

  @Test
  void aChangeOnDiskBecomesAnUpdateOfItsOwn() {
    SharedDocument doc = new SharedDocument("a.txt", "one\ntwo\n", 1000, 1 << 20);
    Update u = doc.replace("one\n2\n", "pier-disk").orElseThrow();
    assertEquals("one\n2\n", TextChanges.apply("one\ntwo\n", u.changes()));
    assertEquals(1, doc.version());
    assertTrue(doc.replace("one\n2\n", "pier-disk").isEmpty());
  }

  /**
   * Clients on threads push at once, each rebasing (here: re-making its insert at the start of the current text) when
   * refused, as the editor's collab plugin does: every insert lands exactly once, in one order.
   */
  @Test
  void concurrentPushesAllLandOnceEach() throws Exception {
    SharedDocument doc = new SharedDocument("a.txt", "", 5000, 1 << 20);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> clients = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      String client = "c" + c;
      clients.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 200; i++) {
                  String marker = "<" + client + ":" + i + ">";
                  while (true) {
                    int v;
                    int length;
                    synchronized (doc) {
                      v = doc.version();
                      length = doc.text().length();
                    }
                    if (doc.push(v, List.of(new Update(client, insert(length, 0, marker))))
                        .accepted()) break;
                  }
                }
              }));
    }
    for (Future<?> f : clients) f.get(30, TimeUnit.SECONDS);
    pool.shutdown();
    assertEquals(800, doc.version());
    for (int c = 0; c < 4; c++)
      for (int i = 0; i < 200; i++) assertTrue(doc.text().contains("<c" + c + ":" + i + ">"));
  }
}
