package io.pier.scheduler;

import static io.pier.scheduler.ReplServiceFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.http.ApiException;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.common.repl.Visibility;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Caps per account: repls it has, and repls of it running at once, even under concurrent requests. */
class ReplCapsTest {
  private final ReplServiceFixture f = new ReplServiceFixture(new ReplService.Quotas(3, 2));

  @AfterEach
  void close() throws Exception {
    f.close();
  }

  /** Waits for every future; returns the successes and checks every failure is {@code code}. */
  private static <T> List<T> settle(List<Future<T>> all, String code) throws Exception {
    List<T> done = new ArrayList<>();
    for (Future<T> one : all) {
      try {
        done.add(await(one));
      } catch (ExecutionException e) {
        ApiException api = assertInstanceOf(ApiException.class, e.getCause());
        assertEquals(429, api.status());
        assertEquals(code, api.code(), api.getMessage());
      }
    }
    return done;
  }

  @Test
  void concurrentCreatesNeverGoPastTheCap() throws Exception {
    List<Future<ReplRecord>> creates = new ArrayList<>();
    for (int i = 0; i < 12; i++)
      creates.add(f.service.create("node", "alice", Visibility.PUBLIC, true));
    List<ReplRecord> made = settle(creates, "repl_limit");
    assertTrue(made.size() <= 3 && !made.isEmpty(), "made " + made.size());
    long alices = await(f.service.list()).stream().filter(r -> r.owner().equals("alice")).count();
    assertEquals(made.size(), alices, "refused creates leave nothing in the registry");
    assertEquals(
        ReplState.STOPPED,
        await(f.service.create("node", "bob", Visibility.PUBLIC, true)).state(),
        "another account has its own cap");
    await(f.service.create("node", "alice", Visibility.PUBLIC, false));
  }

  @Test
  void concurrentStartsNeverRunMoreThanTheCap() throws Exception {
    f.addNode("n1");
    f.addNode("n2");
    List<String> slugs = new ArrayList<>();
    for (int i = 0; i < 3; i++) slugs.add(await(f.service.create("node", "alice")).slug());
    // Every start waits at the node until all have been asked, so they all count at once.
    Promise<Void> gate = Promise.promise();
    f.nodes.startGate = gate.future();
    List<Future<ReplRecord>> starts = new ArrayList<>();
    for (String slug : slugs) starts.add(f.service.start(slug, true));
    Thread.sleep(300);
    gate.complete();
    List<ReplRecord> running = settle(starts, "running_limit");
    assertTrue(running.size() <= 2, "running " + running.size());
    long alicesRunning =
        await(f.service.list()).stream()
            .filter(r -> r.state() == ReplState.RUNNING || r.state() == ReplState.STARTING)
            .count();
    assertEquals(running.size(), alicesRunning);
    for (ReplRecord r : await(f.service.list())) {
      assertTrue(r.state() == ReplState.RUNNING || r.state() == ReplState.STOPPED, r.toString());
    }
  }

  @Test
  void startsWithoutTheCapAreForFailoverAndDrain() throws Exception {
    f.addNode("n1");
    List<String> slugs = new ArrayList<>();
    for (int i = 0; i < 3; i++) slugs.add(await(f.service.create("node", "alice")).slug());
    for (String slug : slugs) assertEquals(ReplState.RUNNING, await(f.service.start(slug)).state());
  }
}
