package io.pier.edge.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 16's idle-memory check: {@code count} IDE sessions opened through a running edge-proxy to one repl (each the
 * real thing: {@code /api/repls/<slug>/session} on the apex, relayed to the node-agent, open once its {@code hello}
 * arrived), then left idle; prints the edge's resident memory before, with them open, and after they closed. Run by
 * {@code bench/run.sh edge}, which starts the Pier it talks to.
 *
 * <p>Arguments: edge port, apex host, repl slug, bearer token, count, the edge's process id.
 */
public final class IdleSessionsBenchmark {
  /** Upgrades in flight at once: the node-agent's accept loop, not this client, is what is being paced. */
  private static final int IN_FLIGHT = 200;

  private IdleSessionsBenchmark() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String apex = args[1];
    String slug = args[2];
    String token = args[3];
    int count = Integer.parseInt(args[4]);
    long edgePid = Long.parseLong(args[5]);
    Vertx vertx = Vertx.vertx();
    WebSocketClient client =
        vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(count + 100));
    long before = rssKib(edgePid);
    List<WebSocket> open = new ArrayList<>(count);
    AtomicInteger failed = new AtomicInteger();
    // Sessions that closed after their hello: the RSS "with them open" counts only the others.
    AtomicInteger closedSince = new AtomicInteger();
    List<String> firstFailures = new ArrayList<>();
    Semaphore slots = new Semaphore(IN_FLIGHT);
    long started = System.nanoTime();
    for (int i = 0; i < count; i++) {
      slots.acquire();
      open(client, port, apex, slug, token, closedSince)
          .onComplete(
              opened -> {
                synchronized (open) {
                  if (opened.succeeded()) {
                    open.add(opened.result());
                  } else {
                    failed.incrementAndGet();
                    if (firstFailures.size() < 5) firstFailures.add(describe(opened.cause()));
                  }
                }
                slots.release();
              });
    }
    slots.acquire(IN_FLIGHT);
    double openSeconds = (System.nanoTime() - started) / 1e9;
    // Idle for a while, as sessions of people who are reading: what the edge holds, not what it was
    // doing.
    TimeUnit.SECONDS.sleep(10);
    long with = rssKib(edgePid);
    int opened;
    synchronized (open) {
      opened = open.size() - closedSince.get();
    }
    System.out.printf(
        "[edge] idle IDE sessions: %d open after 10 s idle (%d failed, %d closed after their hello) in %.1f s;"
            + " edge RSS %d MiB before, %d MiB with them open (%.1f KiB per session)%n",
        opened,
        failed.get(),
        closedSince.get(),
        openSeconds,
        before / 1024,
        with / 1024,
        opened == 0 ? 0.0 : (with - before) / (double) opened);
    firstFailures.forEach(f -> System.out.println("  failure: " + f));
    List<Future<Void>> closing = new ArrayList<>();
    synchronized (open) {
      for (WebSocket ws : open) closing.add(ws.close());
    }
    Future.join(closing).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    TimeUnit.SECONDS.sleep(5);
    System.out.printf("[edge] edge RSS after they closed: %d MiB%n", rssKib(edgePid) / 1024);
    client.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    System.exit(failed.get() == 0 ? 0 : 1);
  }

  /** One session, open once the node-agent's hello came through the edge. */
  private static Future<WebSocket> open(
      WebSocketClient client,
      int port,
      String apex,
      String slug,
      String token,
      AtomicInteger closedSince) {
    Promise<WebSocket> hello = Promise.promise();
    // Handlers set before connecting: one set in connect's callback could miss the hello.
    ClientWebSocket ws = client.webSocket();
    ws.textMessageHandler(
        m -> {
          if (m.contains("\"hello\"")) hello.tryComplete(ws);
        });
    ws.closeHandler(
        v -> {
          if (!hello.tryFail("closed before its hello") && closedSince.incrementAndGet() <= 3) {
            System.out.println(
                "  closed after its hello: " + ws.closeStatusCode() + " " + ws.closeReason());
          }
        });
    ws.connect(
            new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI("/api/repls/" + slug + "/session")
                .putHeader("Host", apex)
                .setAllowOriginHeader(false)
                .putHeader("Authorization", "Bearer " + token))
        .onFailure(hello::tryFail);
    return hello.future();
  }

  /** A process's resident set, from {@code /proc}. */
  static long rssKib(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
    throw new IllegalStateException("no VmRSS for process " + pid);
  }

  /** A failure with the refusal's body (the edge's JSON names the cause), when there is one. */
  private static String describe(Throwable failure) {
    return failure instanceof UpgradeRejectedException rejected && rejected.getBody() != null
        ? failure + " " + rejected.getBody()
        : failure.toString();
  }
}
