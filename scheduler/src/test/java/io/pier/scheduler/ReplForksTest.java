package io.pier.scheduler;

import static io.pier.scheduler.ReplServiceFixture.await;
import static io.pier.scheduler.ReplServiceFixture.failure;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.http.ApiException;
import io.pier.common.repl.ReplNames;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.common.repl.Visibility;
import io.pier.common.store.ObjectStore;
import io.pier.common.store.StorageLayout;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Forks: a new repl of the caller's with a copy of the original's stored files, never its secrets. */
class ReplForksTest {
  private final ReplServiceFixture f = new ReplServiceFixture(new ReplService.Quotas(2, 2));

  @AfterEach
  void close() throws Exception {
    f.close();
  }

  /** Every stored file of a repl by its path in the workspace. */
  private Map<String, String> files(String slug) {
    String prefix = StorageLayout.replFiles(slug);
    Map<String, String> files = new TreeMap<>();
    for (ObjectStore.ObjectInfo o : f.store.list(prefix)) {
      files.put(
          o.key().substring(prefix.length()),
          new String(f.store.get(o.key()).orElseThrow(), UTF_8));
    }
    return files;
  }

  private ReplRecord withFilesAndASecret() throws Exception {
    ReplRecord original =
        await(
            f.service.create(
                "node",
                "alice",
                new ReplService.NewRepl(
                    Visibility.PRIVATE, Map.of("course", "cs101"), null, null, "Shop", "Sells"),
                true));
    for (int i = 0; i < 40; i++) {
      f.store.put(
          StorageLayout.replFiles(original.slug()) + "src/part-" + i + ".js",
          ("part " + i).getBytes(UTF_8));
    }
    f.store.put(StorageLayout.replEnv(original.slug()) + "TOKEN", "sealed".getBytes(UTF_8));
    return original;
  }

  @Test
  void aForkIsANewStoppedReplOfTheCallerWithEveryStoredFileOfTheOriginal() throws Exception {
    ReplRecord original = withFilesAndASecret();
    ReplRecord fork = await(f.service.fork(original.slug(), "bob", null, null, true));

    assertNotEquals(original.slug(), fork.slug());
    assertEquals("bob", fork.owner());
    assertEquals(ReplState.STOPPED, fork.state());
    assertEquals(original.template(), fork.template());
    assertEquals(original.limits(), fork.limits());
    assertEquals(Visibility.PRIVATE, fork.visibility(), "a private repl's fork stays private");
    assertEquals("Shop (fork)", fork.title());
    assertEquals("Sells", fork.description());
    assertEquals(Map.of(), fork.labels(), "labels are the original owner's, not copied");
    assertNull(fork.lifetime());
    assertEquals(files(original.slug()), files(fork.slug()));
    assertTrue(files(fork.slug()).size() > 40, files(fork.slug()).keySet().toString());
    assertEquals(fork, await(f.service.get(fork.slug())), "in the registry");
    assertTrue(
        f.store.get(StorageLayout.replMetadata(fork.slug())).isPresent(), "its repl.json stored");
  }

  @Test
  void aForkNeverCarriesTheOriginalsEnvironmentOrSecrets() throws Exception {
    ReplRecord original = withFilesAndASecret();
    ReplRecord fork = await(f.service.fork(original.slug(), "alice", null, null, true));
    assertEquals(Set.of(), keys(StorageLayout.replEnv(fork.slug())));
    assertEquals(Set.of("TOKEN"), keys(StorageLayout.replEnv(original.slug())));
  }

  private Set<String> keys(String prefix) {
    return f.store.list(prefix).stream()
        .map(o -> o.key().substring(prefix.length()))
        .collect(Collectors.toSet());
  }

  @Test
  void aChangeToTheForkNeverReachesTheOriginalNorTheOtherWay() throws Exception {
    ReplRecord original = withFilesAndASecret();
    ReplRecord fork = await(f.service.fork(original.slug(), "alice", "Mine", "Copy", true));
    assertEquals("Mine", fork.title());
    f.store.put(StorageLayout.replFiles(fork.slug()) + "src/part-1.js", "forked".getBytes(UTF_8));
    f.store.put(
        StorageLayout.replFiles(original.slug()) + "src/part-2.js", "later".getBytes(UTF_8));
    assertArrayEquals(
        "part 1".getBytes(UTF_8),
        f.store.get(StorageLayout.replFiles(original.slug()) + "src/part-1.js").orElseThrow());
    assertArrayEquals(
        "part 2".getBytes(UTF_8),
        f.store.get(StorageLayout.replFiles(fork.slug()) + "src/part-2.js").orElseThrow());
  }

  @Test
  void aForkCountsAgainstTheCallersCapAndARefusedOneLeavesNothing() throws Exception {
    ReplRecord original = withFilesAndASecret();
    await(f.service.fork(original.slug(), "alice", null, null, true));
    ApiException refused =
        assertInstanceOf(
            ApiException.class,
            failure(f.service.fork(original.slug(), "alice", null, null, true)));
    assertEquals(429, refused.status());
    assertEquals("repl_limit", refused.code());
    assertEquals(2, await(f.service.list()).size());
  }

  @Test
  void aRunningOriginalsNodeStoresWhatItHasBeforeTheCopyAndAStoppedOneIsNotAsked()
      throws Exception {
    ReplRecord original = withFilesAndASecret();
    await(f.service.fork(original.slug(), "bob", null, null, true));
    assertEquals(List.of(), f.nodes.storedNow, "a stopped repl's files are all in storage");
    f.addNode("n1");
    await(f.service.start(original.slug(), true));
    await(f.service.fork(original.slug(), "bob", null, null, true));
    assertEquals(List.of(original.slug()), f.nodes.storedNow);
  }

  @Test
  void aForkOfAnUnknownReplIsNotFound() throws Exception {
    ApiException unknown =
        assertInstanceOf(
            ApiException.class, failure(f.service.fork("no-such-repl", "alice", null, null, true)));
    assertEquals(404, unknown.status());
  }

  @Test
  void aLongTitleStaysWithinTheLimitWithItsForkMark() throws Exception {
    ReplRecord original = withFilesAndASecret();
    String title = ReplForks.forkTitle(original.withNames("x".repeat(ReplNames.MAX_TITLE), null));
    assertEquals(ReplNames.MAX_TITLE, title.length());
    assertTrue(title.endsWith(" (fork)"));
    assertEquals(original.slug() + " (fork)", ReplForks.forkTitle(original.withNames(null, null)));
  }
}
