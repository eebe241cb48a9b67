package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.client.CreateRepl;
import io.pier.client.ExecResult;
import io.pier.client.PierClient;
import io.pier.client.PierException;
import io.pier.client.Repl;
import io.pier.common.auth.TokenSigner;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Forks on a real Pier (edge, scheduler, node-agent on dockerd, S3): a running repl's file written a moment before is
 * in its fork (the node stores it first), the fork starts and runs with it, never with the original's secret, and a
 * change to one never reaches the other.
 */
class ForkIT {
  private static PierOnLoopback pier;
  private static PierClient owner;

  @BeforeAll
  static void start() throws Exception {
    pier = new PierOnLoopback();
    owner = as(pier.userToken);
  }

  @AfterAll
  static void stop() throws Exception {
    if (pier != null) pier.close();
  }

  private static PierClient as(String token) {
    return PierClient.builder(URI.create("http://127.0.0.1:" + pier.edgePort))
        .host(PierOnLoopback.DOMAIN)
        .key(token)
        .timeout(Duration.ofSeconds(120))
        .build();
  }

  private static String run(Repl repl, String script) {
    ExecResult r = repl.exec(List.of("sh", "-c", script));
    assertEquals(0, r.exitCode(), r.stderr());
    return r.stdout().trim();
  }

  @Test
  void aRunningReplForksWithWhatWasJustSavedAndWithoutItsSecret() {
    Repl original = owner.repls().create(CreateRepl.of("node")).start();
    Repl fork = null;
    try {
      original.env().set("API_TOKEN", "fork-it-secret-value", true);
      original.files().write("today.txt", "saved a moment ago\n".getBytes(StandardCharsets.UTF_8));

      fork = original.fork();
      assertNotEquals(original.slug(), fork.slug());
      assertEquals("stopped", fork.state());
      assertTrue(fork.env().list().isEmpty(), "no variable of the original comes along");

      fork = fork.start();
      assertEquals("saved a moment ago", run(fork, "cat /workspace/today.txt"));
      assertFalse(run(fork, "env").contains("fork-it-secret-value"));

      run(fork, "echo forked > /workspace/today.txt");
      assertEquals("saved a moment ago", run(original, "cat /workspace/today.txt"));
      run(original, "echo later > /workspace/later.txt");
      assertEquals(
          "absent", run(fork, "test -e /workspace/later.txt && echo present || echo absent"));
    } finally {
      original.delete();
      if (fork != null) fork.delete();
    }
  }

  @Test
  void anotherAccountCannotForkSomeoneElsesRepl() {
    Repl original = owner.repls().create(CreateRepl.of("node"));
    try {
      PierClient intruder =
          as(
              new TokenSigner(PierOnLoopback.AUTH_SECRET, Clock.systemUTC())
                  .issue("intruder", false, Duration.ofHours(1)));
      PierException refused =
          assertThrows(PierException.class, () -> intruder.repls().fork(original.slug(), null));
      assertEquals(403, refused.status());
      assertTrue(intruder.repls().list().isEmpty(), "nothing was made for the intruder");
    } finally {
      original.delete();
    }
  }
}
