package io.pier.e2e;

import io.pier.common.config.Mains;
import io.pier.edge.EdgeConfig;
import io.pier.edge.EdgeProxy;
import io.pier.node.limits.SessionLimits;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Many IDE sessions through one edge-proxy to repls on one node-agent, each with a terminal that is typed into and
 * echoes, plus preview requests at the same time; then the sessions end in every way a client can end them (clean
 * close, TCP reset without a close frame, upgrade abandoned before its answer, upgraded but never read, the repl
 * stopped under them), and the edge and node-agent must come back to idle. Used small by {@code ManySessionsIT} and
 * at full size by {@code bench/run.sh sessions} (a {@code soak} mode runs a constant mix for a while instead).
 *
 * <p>Everything runs in this JVM on loopback (scheduler, node-agent, edge, clients): memory figures are the whole
 * JVM's heap after a GC, clients included.
 */
public final class ManySessionsLoad implements AutoCloseable {

  /**
   * @param repls            repls to spread the sessions over (one node-agent runs them all)
   * @param sessions         IDE sessions open at once in each cycle
   * @param cycles           open, type, preview, close: this many times
   * @param previewRequests  preview GETs sent while the sessions type, per cycle
   * @param parallelism      client threads (each session's steps block one while they wait)
   */
  public record Settings(
      int repls, int sessions, int cycles, int previewRequests, int parallelism) {}

  /** What a run measured. Failures are described one per line; a good run has none. */
  public record Report(
      int sessionsOpened,
      int echoes,
      List<String> failures,
      long keystrokeP50Micros,
      long keystrokeP99Micros,
      long keystrokeMaxMicros,
      int previewsOk,
      long firstIdleHeapBytes,
      long lastIdleHeapBytes,
      long loadedHeapBytes,
      int peakSessions,
      EdgeProxy.Load lastEdgeLoad,
      double lastNodeSessions,
      long seconds) {
    /** Heap per open session: loaded minus idle, over the sessions open then (clients' share included). */
    public long heapPerSessionBytes() {
      return peakSessions == 0
          ? 0
          : Math.max(0, loadedHeapBytes - firstIdleHeapBytes) / peakSessions;
    }

    public double idleHeapDrift() {
      return firstIdleHeapBytes == 0
          ? 0
          : (double) (lastIdleHeapBytes - firstIdleHeapBytes) / firstIdleHeapBytes;
    }

    @Override
    public String toString() {
      return String.format(
          "sessions opened %d, echoed %d, failures %d, keystroke echo p50 %.1f ms p99 %.1f ms max %.1f ms,"
              + " previews ok %d, peak sessions %d, heap idle first %d MiB last %d MiB (drift %+.1f%%), loaded %d MiB,"
              + " heap per session %d KiB, edge at the end %s, node-agent sessions at the end %.0f, %d s",
          sessionsOpened,
          echoes,
          failures.size(),
          keystrokeP50Micros / 1000.0,
          keystrokeP99Micros / 1000.0,
          keystrokeMaxMicros / 1000.0,
          previewsOk,
          peakSessions,
          firstIdleHeapBytes >> 20,
          lastIdleHeapBytes >> 20,
          idleHeapDrift() * 100,
          loadedHeapBytes >> 20,
          heapPerSessionBytes() >> 10,
          lastEdgeLoad,
          lastNodeSessions,
          seconds);
    }
  }

  private final PierOnLoopback pier;
  private final Vertx vertx = Vertx.vertx();

  /** One client for every session of the load (see {@link SessionClient#connect(WebSocketClient, PierOnLoopback, String)}). */
  private final WebSocketClient sessionSockets = SessionClient.newClient(vertx);

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final List<String> slugs = new ArrayList<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();

  /** Keystroke echo times (µs), in an array allocated before the first idle measure: the load's own samples must not
   * grow the heap it measures. */
  private long[] keystrokeMicros = new long[0];

  private int keystrokeCount;
  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicInteger echoes = new AtomicInteger();
  private final AtomicInteger previewsOk = new AtomicInteger();

  /** The node-agent's limit of terminals per repl (LiveRepl.MAX_TERMINALS). */
  private static final int TERMINALS_PER_REPL = 8;

  /** The terminals of this cycle, by repl and index, with a lock each: sessions sharing one take turns to type. */
  private final Map<String, Terminal> terminals = new ConcurrentHashMap<>();

  private record Terminal(int channel, ReentrantLock turn) {}

  /**
   * A Pier on loopback whose edge takes {@code maxSessions} sessions from one user, with {@code repls} running. The
   * node-agent's limit per repl is raised as an operator would for that many sessions on so few repls (the default,
   * 50, would refuse them with 4009), the rest of its limits are the defaults.
   */
  public static ManySessionsLoad start(int repls, int maxSessions) throws Exception {
    EdgeConfig.Capacity capacity =
        EdgeConfig.Capacity.defaults()
            .withSessions(Math.max(maxSessions + 100, 2000), maxSessions + 50, maxSessions + 50);
    SessionLimits d = SessionLimits.DEFAULT;
    int perRepl = Math.max(d.sessionsPerRepl(), (maxSessions + repls - 1) / repls + 16);
    SessionLimits limits =
        new SessionLimits(
            Math.max(d.sessionsPerNode(), perRepl),
            perRepl,
            d.terminalsPerRepl(),
            d.requestsInFlight(),
            d.requestBytesInFlight(),
            d.slowReaderBytes(),
            d.fileThreads(),
            d.fileQueue(),
            d.fileTimeout());
    return new ManySessionsLoad(
        new PierOnLoopback(PierOnLoopback.Options.fresh().withSessionLimits(limits), capacity),
        repls);
  }

  private ManySessionsLoad(PierOnLoopback pier, int repls) throws Exception {
    this.pier = pier;
    for (int i = 0; i < repls; i++) {
      HttpResponse<String> created = api("POST", "/api/repls", "{\"template\":\"node\"}");
      if (created.statusCode() != 200 && created.statusCode() != 201) {
        throw new IllegalStateException("create: " + created.statusCode() + " " + created.body());
      }
      String slug = new JsonObject(created.body()).getString("slug");
      slugs.add(slug);
      startRepl(slug);
    }
  }

  public List<String> slugs() {
    return slugs;
  }

  private void startRepl(String slug) throws Exception {
    HttpResponse<String> started = api("POST", "/api/repls/" + slug + "/start", "");
    if (started.statusCode() != 200)
      throw new IllegalStateException("start " + slug + ": " + started.body());
  }

  private void stopRepl(String slug) throws Exception {
    HttpResponse<String> stopped = api("POST", "/api/repls/" + slug + "/stop", "");
    if (stopped.statusCode() != 200)
      throw new IllegalStateException("stop " + slug + ": " + stopped.body());
  }

  /** Runs the cycles and returns what they measured (the caller judges it). */
  public Report run(Settings settings) throws Exception {
    long began = System.nanoTime();
    keystrokeMicros = new long[Math.min(4_000_000, settings.sessions() * settings.cycles() * 24)];
    ExecutorService pool = Executors.newFixedThreadPool(settings.parallelism());
    long firstIdle = 0;
    long lastIdle = 0;
    long loaded = 0;
    int peak = 0;
    EdgeProxy.Load edgeLoad = null;
    double nodeSessions = -1;
    try {
      for (int cycle = 1; cycle <= settings.cycles(); cycle++) {
        int c = cycle;
        // 1. Open every session, each with a terminal. A repl has at most 8 terminals (the
        // node-agent's limit), so the
        //    first 8 sessions of each repl open one and the others attach to one of them, as a
        // second tab would.
        //    A few sessions are raw sockets, to be reset without a close frame.
        terminals.clear();
        List<Open> open = new ArrayList<>();
        for (boolean owners : new boolean[] {true, false}) {
          List<Future<Open>> opening = new ArrayList<>();
          for (int i = 0; i < settings.sessions(); i++) {
            int n = i;
            if ((n / slugs.size() < TERMINALS_PER_REPL) == owners)
              opening.add(pool.submit(() -> open(c, n)));
          }
          for (Future<Open> f : opening) {
            Open o = f.get(10, TimeUnit.MINUTES);
            if (o != null) open.add(o);
          }
        }
        // 2. Type into every terminal and read the echoes, while previews are asked for.
        Future<?> previews = pool.submit(() -> previews(settings.previewRequests()));
        List<Future<?>> typing = new ArrayList<>();
        for (Open o : open) typing.add(pool.submit(() -> type(c, o)));
        for (Future<?> t : typing) t.get(10, TimeUnit.MINUTES);
        previews.get(10, TimeUnit.MINUTES);
        peak = Math.max(peak, pier.edgeProxy().load().sessionsOpen());
        if (cycle == 1) loaded = heapAfterGc();
        // 3. End them in every way. One repl is stopped under its sessions (and started again
        // below).
        String stopped = slugs.get((cycle - 1) % slugs.size());
        List<Socket> neverRead = abandonUpgrades(c, 10);
        stopRepl(stopped);
        List<Future<?>> closing = new ArrayList<>();
        for (Open o : open) closing.add(pool.submit(() -> o.end(stopped)));
        for (Future<?> f : closing) f.get(5, TimeUnit.MINUTES);
        for (Socket s : neverRead) closeQuietly(s);
        startRepl(stopped);
        awaitPreview(stopped);
        // 4. Back to idle, edge and node-agent.
        edgeLoad = awaitEdgeIdle();
        nodeSessions = awaitNodeSessions(0);
        long heap = heapAfterGc();
        if (cycle == 1) firstIdle = heap;
        lastIdle = heap;
        if (Boolean.getBoolean("pier.bench.histogram")
            && (cycle == 1 || cycle == settings.cycles())) histogram(cycle);
        System.out.printf(
            "[sessions] cycle %d: %d open at once, %d failures so far, edge %s, node sessions %.0f,"
                + " idle heap %d MiB%n",
            cycle, open.size(), failures.size(), edgeLoad, nodeSessions, heap >> 20);
      }
    } finally {
      pool.shutdownNow();
    }
    List<Long> sorted = keystrokeSamples();
    return new Report(
        opened.get(),
        echoes.get(),
        List.copyOf(failures),
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1),
        previewsOk.get(),
        firstIdle,
        lastIdle,
        loaded,
        peak,
        edgeLoad,
        nodeSessions,
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
  }

  /** One open session of a cycle: a protocol client with a terminal, or a raw socket past its upgrade. */
  private final class Open {
    final int n;
    final String slug;
    final SessionClient client;
    final Terminal term;
    final boolean owner;
    final Socket raw;

    Open(int n, String slug, SessionClient client, Terminal term, boolean owner, Socket raw) {
      this.n = n;
      this.slug = slug;
      this.client = client;
      this.term = term;
      this.owner = owner;
      this.raw = raw;
    }

    /**
     * Ends the session: raw ones are reset without a close frame, the others close cleanly, a terminal's opener closing
     * it first (so that the next cycle finds room for its own).
     */
    void end(String stoppedSlug) {
      try {
        if (raw != null) {
          raw.setSoLinger(true, 0);
          raw.close();
        } else if (slug.equals(stoppedSlug)) {
          // The node-agent closes a stopped repl's sessions itself; the client just lets go.
          client.close();
        } else {
          if (owner) client.request("term.close", new JsonObject().put("term", term.channel()));
          client.close();
        }
      } catch (Throwable e) {
        if (!slug.equals(stoppedSlug))
          failures.add("closing session " + n + " of " + slug + ": " + e);
      }
    }
  }

  private Open open(int cycle, int n) {
    String slug = slugs.get(n % slugs.size());
    int index = n / slugs.size();
    boolean owner = index < TERMINALS_PER_REPL;
    try {
      if (!owner && n % 5 == 4) {
        Socket raw = upgradedSocket(slug);
        opened.incrementAndGet();
        return new Open(n, slug, null, null, false, raw);
      }
      SessionClient client = SessionClient.connect(sessionSockets, pier, slug);
      opened.incrementAndGet();
      Terminal term;
      if (owner) {
        JsonObject reply =
            client.request("term.open", new JsonObject().put("cols", 80).put("rows", 24));
        if (!Boolean.TRUE.equals(reply.getBoolean("ok"))) {
          failures.add("term.open in session " + n + " of " + slug + ": " + reply.encode());
          client.close();
          return null;
        }
        term = new Terminal(reply.getInteger("term"), new ReentrantLock());
        terminals.put(slug + "#" + index, term);
      } else {
        term = terminals.get(slug + "#" + index % TERMINALS_PER_REPL);
        if (term == null) {
          client.close();
          return null;
        }
        JsonObject reply =
            client.request("term.attach", new JsonObject().put("term", term.channel()));
        if (!Boolean.TRUE.equals(reply.getBoolean("ok"))) {
          failures.add("term.attach in session " + n + " of " + slug + ": " + reply.encode());
          client.close();
          return null;
        }
      }
      return new Open(n, slug, client, term, owner, null);
    } catch (Throwable e) {
      failures.add("cycle " + cycle + ": session " + n + " of " + slug + " did not open: " + e);
      return null;
    }
  }

  /**
   * Types a command key by key, timing each key's echo as this session sees it, then runs it and waits for its
   * output. Sessions sharing a terminal take turns.
   */
  private void type(int cycle, Open o) {
    if (o.client == null) return;
    o.term.turn().lock();
    try {
      int marker = 100_000 + o.n;
      String command = "echo ok-$((" + o.n + "+100000))";
      o.client.clearOutput(o.term.channel());
      StringBuilder typed = new StringBuilder();
      for (char key : command.toCharArray()) {
        typed.append(key);
        long sent = System.nanoTime();
        o.client.sendInput(o.term.channel(), String.valueOf(key));
        o.client.awaitOutput(o.term.channel(), typed.toString());
        keystroke(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - sent));
      }
      o.client.sendInput(o.term.channel(), "\n");
      o.client.awaitOutput(o.term.channel(), "ok-" + marker);
      echoes.incrementAndGet();
    } catch (Throwable e) {
      failures.add("cycle " + cycle + ": session " + o.n + " of " + o.slug + " did not echo: " + e);
    } finally {
      o.term.turn().unlock();
    }
  }

  /** A started repl's app takes a moment to listen: wait until its preview answers, as a user would see it. */
  private void awaitPreview(String slug) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + "/"))
                  .header("Host", slug + "." + PierOnLoopback.DOMAIN)
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) return;
      Thread.sleep(200);
    }
    failures.add("the preview of " + slug + " did not answer within 60 s of its start");
  }

  /** The heap's classes by size (jcmd GC.class_histogram), top 25: where idle memory goes between cycles. */
  private static void histogram(int cycle) {
    try {
      Process p =
          new ProcessBuilder(
                  "jcmd", String.valueOf(ProcessHandle.current().pid()), "GC.class_histogram")
              .redirectErrorStream(true)
              .start();
      List<String> lines =
          new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      // The whole histogram beside it, for diffing the first idle against the last.
      Path whole =
          Path.of(System.getProperty("java.io.tmpdir"), "pier-bench-histogram-" + cycle + ".txt");
      Files.write(whole, lines);
      System.out.println("[histogram " + cycle + "] whole histogram: " + whole);
      // The biggest classes, and every class of Pier's and of Vert.x's connections, however small.
      for (int i = 0; i < lines.size(); i++) {
        String l = lines.get(i);
        if (i < 28
            || l.contains("io.pier.")
            || l.contains("io.vertx.core.net.impl")
            || l.contains("io.vertx.core.http.impl")) {
          System.out.println("[histogram " + cycle + "] " + l);
        }
      }
    } catch (IOException e) {
      System.out.println("[histogram] " + e);
    }
  }

  private void previews(int count) {
    List<CompletableFuture<HttpResponse<String>>> asked = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String slug = slugs.get(i % slugs.size());
      asked.add(
          http.sendAsync(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + "/?n=" + i))
                  .header("Host", slug + "." + PierOnLoopback.DOMAIN)
                  .timeout(Duration.ofSeconds(60))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    for (var f : asked) {
      try {
        HttpResponse<String> r = f.get(2, TimeUnit.MINUTES);
        if (r.statusCode() == 200) previewsOk.incrementAndGet();
        else
          failures.add(
              "preview of "
                  + r.request().headers().firstValue("Host").orElse("?")
                  + " answered "
                  + r.statusCode()
                  + ": "
                  + r.body().substring(0, Math.min(200, r.body().length())));
      } catch (Exception e) {
        failures.add("preview: " + e);
      }
    }
  }

  /** Upgrades sent and abandoned: half are closed before the answer, half upgraded and never read (returned). */
  private List<Socket> abandonUpgrades(int cycle, int count) {
    List<Socket> neverRead = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      try {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), pier.edgePort);
        s.getOutputStream().write(upgradeRequest(slugs.get(i % slugs.size())));
        if (i % 2 == 0) closeQuietly(s);
        else neverRead.add(s);
      } catch (IOException e) {
        failures.add("cycle " + cycle + ": abandoned upgrade " + i + ": " + e);
      }
    }
    return neverRead;
  }

  private byte[] upgradeRequest(String slug) {
    return ("GET /api/repls/"
            + slug
            + "/session HTTP/1.1\r\nHost: "
            + PierOnLoopback.DOMAIN
            + "\r\n"
            + "Authorization: Bearer "
            + pier.userToken
            + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** A session opened on a plain socket, past its 101 (to be reset later without a close frame). */
  private Socket upgradedSocket(String slug) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), pier.edgePort);
    s.setSoTimeout(60_000);
    s.getOutputStream().write(upgradeRequest(slug));
    DataInputStream in = new DataInputStream(s.getInputStream());
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) head.append((char) in.readUnsignedByte());
    if (!head.toString().startsWith("HTTP/1.1 101")) {
      closeQuietly(s);
      throw new IOException("no upgrade: " + head.toString().lines().findFirst().orElse(""));
    }
    return s;
  }

  private EdgeProxy.Load awaitEdgeIdle() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    EdgeProxy.Load load;
    do {
      load = pier.edgeProxy().load();
      if (load.idle()) return load;
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    failures.add("the edge did not return to idle: " + load);
    return load;
  }

  /** The node-agent's pier_sessions_open, scraped from its /metrics. */
  public double nodeSessions() throws Exception {
    return scrape("http://127.0.0.1:" + pier.nodePort + "/metrics", "pier_sessions_open");
  }

  /** The sum of a metric's samples in a Prometheus scrape (every label set). */
  private double scrape(String url, String metric) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                // /metrics answers only the metrics token, as Prometheus sends it.
                .header("Authorization", "Bearer " + pier.metricsToken)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IllegalStateException(url + " answered " + r.statusCode());
    double sum = 0;
    for (String line : r.body().split("\n")) {
      if (line.startsWith(metric + " ") || line.startsWith(metric + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private double awaitNodeSessions(double expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    double now;
    do {
      now = nodeSessions();
      if (now == expected) return now;
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    failures.add("the node-agent still counts " + now + " sessions");
    return now;
  }

  /** A new session connects and its terminal echoes: what a user opening the IDE now would see. */
  public boolean aNewSessionWorks() {
    try (SessionClient client = SessionClient.connect(sessionSockets, pier, slugs.get(0))) {
      int term =
          client
              .request("term.open", new JsonObject().put("cols", 80).put("rows", 24))
              .getInteger("term");
      client.sendInput(term, "echo fresh-$((20+22))\n");
      client.awaitOutput(term, "fresh-42");
      client.request("term.close", new JsonObject().put("term", term));
      return true;
    } catch (Throwable e) {
      failures.add("a new session after the load: " + e);
      return false;
    }
  }

  public EdgeProxy.Load edgeLoad() {
    return pier.edgeProxy().load();
  }

  // ---- soak: a constant mix for a while ----

  /**
   * For {@code duration}: {@code users} client threads each loop over open a session, type in a terminal, save a file
   * (remembering what it saved), ask for a preview, close; one more thread stops and starts a repl now and then.
   * Then every repl is stopped (flushing to S3) and every saved file must equal what S3 holds.
   */
  public Report soak(Duration duration, int users) throws Exception {
    long began = System.nanoTime();
    long end = began + duration.toNanos();
    Map<String, String> saved = new ConcurrentHashMap<>();
    AtomicLong operations = new AtomicLong();
    keystrokeMicros = new long[2_000_000];
    long firstIdle = heapAfterGc();
    ExecutorService pool = Executors.newFixedThreadPool(users + 1);
    List<Future<?>> workers = new ArrayList<>();
    // Repls the starter/stopper is not touching: the users work on them. The last repl is the one
    // started and stopped.
    List<String> steady = slugs.size() > 1 ? slugs.subList(0, slugs.size() - 1) : slugs;
    String cycling = slugs.get(slugs.size() - 1);
    // Users respect the node's documented limit of terminals per repl, as tabs do by attaching to
    // the terminals the
    // hello lists: more users than that on one repl wait for one to close instead of being refused.
    Map<String, Semaphore> terminalsLeft = new ConcurrentHashMap<>();
    for (String slug : steady)
      terminalsLeft.put(slug, new Semaphore(SessionLimits.DEFAULT.terminalsPerRepl()));
    for (int u = 0; u < users; u++) {
      int user = u;
      workers.add(
          pool.submit(
              () -> {
                int round = 0;
                while (System.nanoTime() < end) {
                  round++;
                  String slug = steady.get((user + round) % steady.size());
                  Semaphore terminalLeft = terminalsLeft.get(slug);
                  terminalLeft.acquireUninterruptibly();
                  try (SessionClient client = SessionClient.connect(sessionSockets, pier, slug)) {
                    JsonObject terminal =
                        client.request(
                            "term.open", new JsonObject().put("cols", 80).put("rows", 24));
                    if (terminal.getInteger("term") == null)
                      throw new IllegalStateException("term.open: " + terminal.encode());
                    int term = terminal.getInteger("term");
                    client.clearOutput(term);
                    String command = "echo soak-$((" + user + "*1000+" + round % 1000 + "))";
                    StringBuilder typed = new StringBuilder();
                    for (char key : command.toCharArray()) {
                      typed.append(key);
                      long sent = System.nanoTime();
                      client.sendInput(term, String.valueOf(key));
                      client.awaitOutput(term, typed.toString());
                      keystroke(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - sent));
                    }
                    client.sendInput(term, "\n");
                    client.awaitOutput(term, "soak-" + (user * 1000 + round % 1000));
                    String path = "soak/u" + user + "-" + (round % 5) + ".txt";
                    String content =
                        "user "
                            + user
                            + " round "
                            + round
                            + " "
                            + ThreadLocalRandom.current().nextLong()
                            + "\n";
                    JsonObject wrote =
                        client.request(
                            "fs.write", new JsonObject().put("path", path).put("content", content));
                    if (!Boolean.TRUE.equals(wrote.getBoolean("ok"))) {
                      failures.add("save " + path + ": " + wrote.encode());
                    } else {
                      saved.put(slug + "/" + path, content);
                    }
                    client.request("term.close", new JsonObject().put("term", term));
                    echoes.incrementAndGet();
                    opened.incrementAndGet();
                    operations.addAndGet(4);
                  } catch (Throwable e) {
                    failures.add("user " + user + " round " + round + " on " + slug + ": " + e);
                  } finally {
                    terminalLeft.release();
                  }
                  previews(2);
                }
              }));
    }
    workers.add(
        pool.submit(
            () -> {
              while (System.nanoTime() < end) {
                try {
                  stopRepl(cycling);
                  startRepl(cycling);
                  operations.addAndGet(2);
                  Thread.sleep(20_000);
                } catch (InterruptedException e) {
                  return;
                } catch (Throwable e) {
                  failures.add("stop/start " + cycling + ": " + e);
                }
              }
            }));
    for (Future<?> w : workers) w.get(duration.toMinutes() + 10, TimeUnit.MINUTES);
    pool.shutdownNow();
    EdgeProxy.Load load = awaitEdgeIdle();
    double nodeSessions = awaitNodeSessions(0);
    long lastIdle = heapAfterGc();
    // Stop every repl: the stop drains its pending changes to S3. Then S3 must hold exactly what
    // was saved last.
    for (String slug : steady) stopRepl(slug);
    int checked = 0;
    for (Map.Entry<String, String> file : saved.entrySet()) {
      String slug = file.getKey().substring(0, file.getKey().indexOf('/'));
      String path = file.getKey().substring(slug.length() + 1);
      String stored =
          pier.store
              .get("repls/" + slug + "/files/" + path)
              .map(b -> new String(b, StandardCharsets.UTF_8))
              .orElse(null);
      if (!file.getValue().equals(stored))
        failures.add("lost save: " + file.getKey() + " holds " + stored);
      checked++;
    }
    for (String slug : steady) startRepl(slug);
    System.out.printf(
        "[soak] %d operations, %d saved files checked against S3%n", operations.get(), checked);
    List<Long> sorted = keystrokeSamples();
    return new Report(
        opened.get(),
        echoes.get(),
        List.copyOf(failures),
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1),
        previewsOk.get(),
        firstIdle,
        lastIdle,
        0,
        users,
        load,
        nodeSessions,
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
  }

  private synchronized void keystroke(long micros) {
    if (keystrokeCount < keystrokeMicros.length) keystrokeMicros[keystrokeCount++] = micros;
  }

  private synchronized List<Long> keystrokeSamples() {
    long[] copy = Arrays.copyOf(keystrokeMicros, keystrokeCount);
    Arrays.sort(copy);
    List<Long> sorted = new ArrayList<>(copy.length);
    for (long v : copy) sorted.add(v);
    return sorted;
  }

  private static long heapAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  private static long percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) return 0;
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // gone already
    }
  }

  private HttpResponse<String> api(String method, String path, String json) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + path))
            .timeout(Duration.ofSeconds(120))
            .header("Host", PierOnLoopback.DOMAIN)
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + pier.userToken);
    request.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws Exception {
    try {
      Mains.await(vertx.close(), Duration.ofSeconds(30));
    } finally {
      pier.close();
    }
  }
}
