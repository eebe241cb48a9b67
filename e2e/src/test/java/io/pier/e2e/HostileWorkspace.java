package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pier.common.config.Mains;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The red-team harness: a whole Pier on loopback whose node-agent is a root process of its own (as in production, and
 * so that a wedged or crashed agent is the agent's problem, not the test JVM's), repls that attack it from inside their
 * real container as uid 1000 through a terminal, and the observations the red-team tests make: host canaries (files
 * and folders outside every workspace, under this run's {@code target/} folder), storage as the embedded S3 server
 * keeps it on disk, the agent's health and how long a stop takes.
 *
 * <p>A link planted in a workspace is resolved by whoever follows it: the container cannot see the host, but the
 * root node-agent that reads and writes the same folder can, so a link's target string names a host path. That is
 * the attack: every canary path is absolute on the host.
 *
 * <p>Run the suite alone (root, dockerd, the pier-runner-node image):
 * {@code mvn -B -pl e2e -am verify -Dit.test='RedTeam*IT' -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfailsafe.failIfNoSpecifiedTests=false}. The node-agent's log is {@code e2e/target/redteam-<class>-<run>/<node>.log}.
 */
final class HostileWorkspace implements AutoCloseable {
  /** How long a stop may take whatever the repl planted in its workspace. */
  static final Duration STOP_BOUND = Duration.ofSeconds(60);

  /** How long a legitimate save may take to reach storage through the write-behind queue. */
  static final Duration SYNC_BOUND = Duration.ofSeconds(30);

  /** How long an answer to a file operation on a special file may take: promptly, not a hang. */
  static final Duration PROMPT = Duration.ofSeconds(5);

  final PierOnLoopback pier;
  final Vertx vertx;

  /** Host folder of this run's canaries: never inside a workspace, never visible in a container. */
  final Path canaries;

  private final List<Repl> repls = new ArrayList<>();
  private final AtomicInteger rawIds = new AtomicInteger(1_000_000);

  private HostileWorkspace(PierOnLoopback pier, Vertx vertx, Path canaries) {
    this.pier = pier;
    this.vertx = vertx;
    this.canaries = canaries;
  }

  /**
   * Starts a Pier whose one node-agent runs as a process of its own, with workspaces of {@code diskMb} MiB (0: plain
   * folders of the node's disk).
   */
  static HostileWorkspace start(String name, long diskMb) throws Exception {
    String run = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    Path data = Files.createDirectories(Path.of("target", "redteam-" + run).toAbsolutePath());
    Path canaries =
        Files.createDirectories(Path.of("target", "redteam-canaries-" + run).toAbsolutePath());
    PierOnLoopback pier =
        new PierOnLoopback(
            PierOnLoopback.Options.fresh().inFolder(data, true, 500).withDiskMb(diskMb));
    return new HostileWorkspace(pier, Vertx.vertx(), canaries);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Repls

  /** Creates a repl from the node template, without starting it. */
  String create() throws Exception {
    HttpResponse<String> created =
        EdgeApi.send(pier, "POST", "/api/repls", "{\"template\":\"node\"}");
    assertTrue(created.statusCode() / 100 == 2, created.statusCode() + " " + created.body());
    return new JsonObject(created.body()).getString("slug");
  }

  /** Creates and starts a repl, with an IDE session and a terminal open on it. */
  Repl repl() throws Exception {
    String slug = create();
    HttpResponse<String> started = EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/start", "");
    assertEquals(200, started.statusCode(), started.body());
    Repl repl = new Repl(slug);
    repls.add(repl);
    return repl;
  }

  /** One running repl as its user sees it: a session and a terminal (a login shell as uid 1000 in /workspace). */
  final class Repl implements AutoCloseable {
    final String slug;
    SessionClient session;
    int term;

    private Repl(String slug) {
      this.slug = slug;
      connect();
    }

    private void connect() {
      session = SessionClient.connect(vertx, pier, slug);
      term =
          session
              .request("term.open", new JsonObject().put("cols", 200).put("rows", 50))
              .getInteger("term");
    }

    /** The workspace folder on the host, where the node-agent reads and writes. */
    Path workspace() {
      return pier.workspace(slug);
    }

    /** Storage key of a workspace path. */
    String key(String path) {
      return "repls/" + slug + "/files/" + path;
    }

    /**
     * Runs a command line in the repl's terminal and waits for it to finish.
     *
     * @return its exit status
     */
    int sh(String command) {
      return sh(command, Duration.ofSeconds(60));
    }

    int sh(String command, Duration timeout) {
      int k = ThreadLocalRandom.current().nextInt(1000, 1_000_000);
      // The terminal echoes what is typed: the marker printed ($((k*2))) is not the text typed.
      String marker = ":" + (k * 2) + "@@";
      session.clearOutput(term);
      session.sendInput(term, command + "; echo \"@@$?:$((" + k + "*2))@@\"\n");
      String out = awaitOutput(marker, timeout);
      int end = out.lastIndexOf(marker);
      int start = out.lastIndexOf("@@", end - 1);
      return Integer.parseInt(out.substring(start + 2, end).strip());
    }

    /** Runs a command line that must succeed. */
    void shOk(String command) {
      shOk(command, Duration.ofSeconds(60));
    }

    void shOk(String command, Duration timeout) {
      int status = sh(command, timeout);
      assertEquals(0, status, "in the repl's terminal: " + command + "\n" + session.output(term));
    }

    /** Starts a command in the background of the terminal and returns at once; {@link #sh} can stop it later. */
    void background(String command, String pidVariable) {
      shOk("{ " + command + " ; } >/dev/null 2>&1 & " + pidVariable + "=$!");
    }

    String awaitOutput(String text, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        String out = session.output(term);
        if (out.contains(text)) return out;
        sleep(50);
      }
      throw new AssertionError(
          "the terminal did not print '"
              + text
              + "' within "
              + timeout
              + "; it printed: "
              + session.output(term));
    }

    /** A request answered within the session client's own wait (30 s). */
    JsonObject request(String op, JsonObject args) {
      return session.request(op, args);
    }

    /** Sends a request without waiting; {@link #awaitReply} collects its answer. */
    int send(String op, JsonObject args) {
      int id = rawIds.incrementAndGet();
      session.sendRaw(args.copy().put("id", id).put("op", op).encode());
      return id;
    }

    /** The answer to a request sent with {@link #send}, or null when none came within {@code timeout}. */
    JsonObject awaitReply(int id, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        for (JsonObject e : session.events) {
          if (e.getValue("id") instanceof Number n && n.intValue() == id) return e;
        }
        sleep(20);
      }
      return null;
    }

    /** A request that must be answered within {@code timeout}; fails the test otherwise. */
    JsonObject requestWithin(String op, JsonObject args, Duration timeout) {
      JsonObject reply = awaitReply(send(op, args), timeout);
      if (reply == null) {
        fail(
            op
                + " "
                + args.encode()
                + " got no answer within "
                + timeout
                + " (the node-agent hangs)");
      }
      return reply;
    }

    /** A request that must be refused (any error) within {@link #PROMPT} or, for ordinary files, 30 s. */
    JsonObject refused(String op, JsonObject args) {
      JsonObject reply = requestWithin(op, args, Duration.ofSeconds(30));
      assertTrue(
          isError(reply), op + " " + args.encode() + " must be refused, got " + reply.encode());
      return reply;
    }

    /** Saves a file the way the editor does, and waits until the write-behind queue has stored exactly it. */
    void saveAndAwaitStored(String path, String content) {
      JsonObject saved =
          request("fs.write", new JsonObject().put("path", path).put("content", content));
      assertTrue(saved.getBoolean("ok", false), "a legitimate save works: " + saved.encode());
      awaitStored(path, content);
    }

    void awaitStored(String path, String content) {
      byte[] expected = content.getBytes(StandardCharsets.UTF_8);
      eventually(
          SYNC_BOUND,
          () -> stored(key(path)).map(b -> Arrays.equals(b, expected)).orElse(false),
          "the legitimate file "
              + path
              + " of "
              + slug
              + " reaches storage within "
              + SYNC_BOUND
              + " (stored now: "
              + stored(key(path)).map(b -> new String(b, StandardCharsets.UTF_8)).orElse("nothing")
              + ")");
    }

    /** Every stored object of this repl (its whole prefix, files and metadata) and its bytes. */
    Map<String, byte[]> storedObjects() {
      Map<String, byte[]> objects = new TreeMap<>();
      for (var o : pier.store.list("repls/" + slug + "/"))
        stored(o.key()).ifPresent(b -> objects.put(o.key(), b));
      return objects;
    }

    /** Stops the repl through the API and says how it went. */
    Stop stop() throws Exception {
      long t0 = System.nanoTime();
      HttpResponse<String> answer = EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/stop", "");
      Stop stop =
          new Stop(answer.statusCode(), answer.body(), Duration.ofNanos(System.nanoTime() - t0));
      if (stop.ok()) closeSession();
      return stop;
    }

    /** Stops the repl and fails unless the stop succeeded within {@link #STOP_BOUND}. */
    void stopWithinBound() throws Exception {
      Stop stop = stop();
      assertTrue(
          stop.ok() && stop.took().compareTo(STOP_BOUND) <= 0,
          "the stop of " + slug + " completes within " + STOP_BOUND + ": " + stop);
    }

    /** Starts the (stopped) repl again and reconnects. */
    void startAgain() throws Exception {
      HttpResponse<String> started =
          EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/start", "");
      assertEquals(200, started.statusCode(), started.body());
      connect();
    }

    private void closeSession() {
      try {
        session.close();
      } catch (RuntimeException alreadyGone) {
        // the stop closed it
      }
    }

    @Override
    public void close() {
      closeSession();
    }
  }

  /** How a stop went. */
  record Stop(int status, String body, Duration took) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  static boolean isError(JsonObject reply) {
    return !reply.getBoolean("ok", false) && reply.getValue("error") != null;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The node

  /** True when the node-agent's /healthz answers 200 within {@link #PROMPT}. */
  boolean healthy() {
    try {
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + pier.nodePort + "/healthz"))
                      .timeout(PROMPT)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      return health.statusCode() == 200;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  void assertHealthy() {
    assertTrue(healthy(), "the node-agent's /healthz answers 200 within " + PROMPT);
  }

  /** The write-behind state the node-agent reports for a running repl. */
  JsonObject syncStatus(String slug) {
    try {
      return new JsonObject(
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:"
                                  + pier.nodePort
                                  + "/internal/repls/"
                                  + slug
                                  + "/sync"))
                      .timeout(PROMPT)
                      .header("Authorization", "Bearer " + pier.serviceToken)
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body());
    } catch (Exception e) {
      throw new AssertionError("no sync status for " + slug, e);
    }
  }

  /**
   * Fails when the node-agent ran out of memory (its log says so): a file read whole, however large, is an attack on
   * every repl of the node.
   */
  void assertAgentNeverRanOutOfMemory() {
    String log = agentLogTail(100_000);
    assertFalse(
        log.contains("OutOfMemoryError"),
        "the node-agent ran out of memory: "
            + log.lines().filter(l -> l.contains("OutOfMemoryError")).findFirst().orElse(""));
  }

  /** The node-agent's log (its process writes one next to its data folder): evidence for a failure message. */
  String agentLogTail(int lines) {
    try {
      PierOnLoopback.Node node = pier.nodes.get(0);
      List<String> all =
          Files.readAllLines(node.data.resolveSibling(node.id + ".log"), StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Storage

  Optional<byte[]> stored(String key) {
    try {
      return pier.store.get(key);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Everything the embedded S3 server keeps, read from its folder on disk rather than through the S3 API (which
   * could itself hide a key that escaped its prefix): path under the server's folder → SHA-256 of the bytes.
   * The bucket's objects are {@code pier/<key>}; anything else is outside every bucket.
   */
  Map<String, String> storageOnDisk() {
    Path root = pier.dataDir.resolve("s3");
    Map<String, String> files = new TreeMap<>();
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              if (attrs.isRegularFile())
                files.put(root.relativize(file).toString(), sha256(Files.readAllBytes(file)));
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /**
   * The differences between two {@link #storageOnDisk} readings outside {@code allowedPrefixes} (paths under the
   * server's folder, {@code pier/repls/<slug>/} say): created, changed and deleted files.
   */
  static List<String> changedOutside(
      Map<String, String> before, Map<String, String> after, List<String> allowedPrefixes) {
    List<String> changes = new ArrayList<>();
    Set<String> all = new TreeSet<>(before.keySet());
    all.addAll(after.keySet());
    for (String path : all) {
      if (allowedPrefixes.stream().anyMatch(path::startsWith)) continue;
      String was = before.get(path);
      String now = after.get(path);
      if (was == null) {
        changes.add("created " + path);
      } else if (now == null) {
        changes.add("deleted " + path);
      } else if (!was.equals(now)) {
        changes.add("changed " + path);
      }
    }
    return changes;
  }

  /**
   * Watches a repl's stored objects for {@code duration}, every 100 ms, and fails as soon as one holds {@code secret}.
   * A leak may be short-lived (a later flush deletes the object), so watching beats looking once at the end.
   */
  void assertNeverStored(Repl repl, String secret, Duration duration) {
    long deadline = System.nanoTime() + duration.toNanos();
    do {
      assertNotStoredNow(repl, secret);
      sleep(100);
    } while (System.nanoTime() < deadline);
  }

  void assertNotStoredNow(Repl repl, String secret) {
    byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
    for (Map.Entry<String, byte[]> object : repl.storedObjects().entrySet()) {
      if (contains(object.getValue(), needle)) {
        fail(
            "the host's secret reached storage: "
                + object.getKey()
                + " holds "
                + new String(object.getValue(), StandardCharsets.UTF_8));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Host canaries

  /** A fresh host folder with these files (relative path → content), outside every workspace. */
  Path canaryFolder(String name, Map<String, String> files) throws IOException {
    Path dir = Files.createDirectories(canaries.resolve(name));
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path file = dir.resolve(f.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, f.getValue());
    }
    return dir;
  }

  /** What a canary folder holds now: relative path → content; links are listed as such, never followed. */
  static Map<String, String> contents(Path dir) throws IOException {
    Map<String, String> found = new TreeMap<>();
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            String rel = dir.relativize(file).toString();
            if (attrs.isSymbolicLink()) {
              found.put(rel, "-> " + Files.readSymbolicLink(file));
            } else if (attrs.isRegularFile() && attrs.size() <= 1 << 20) {
              found.put(rel, Files.readString(file, StandardCharsets.ISO_8859_1));
            } else {
              found.put(rel, "(" + attrs.size() + " bytes)");
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return found;
  }

  /** Fails when the canary folder does not hold exactly what it held: nothing written, created or deleted. */
  static void assertUntouched(Path dir, Map<String, String> before) throws IOException {
    assertEquals(
        before, contents(dir), "the host folder " + dir + " outside the workspace is untouched");
  }

  /** The relative link target that leads from a folder of the workspace (on the host) to a host path. */
  static String relativeLink(Path fromFolder, Path to) {
    return fromFolder
        .toAbsolutePath()
        .normalize()
        .relativize(to.toAbsolutePath().normalize())
        .toString();
  }

  /** Whether any regular file under the workspace on the host holds {@code secret}; links are not followed. */
  static Optional<Path> fileHolding(Path workspace, String secret) throws IOException {
    byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(
        workspace,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (attrs.isRegularFile()
                && attrs.size() < 1 << 20
                && contains(Files.readAllBytes(file), needle)) {
              found.add(file);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE;
          }
        });
    return found.stream().findFirst();
  }

  /**
   * Ends blocked opens of the FIFOs under {@code dir} (a reader waits in open(2) for a writer): opens each for writing
   * and closes it at once, so a reader sees end-of-file. Cleanup after a test that may have wedged the node-agent; each
   * open is on a daemon thread of its own, since with no reader waiting it would block instead.
   */
  static void unjamFifos(Path dir) {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return;
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.toList()) {
        BasicFileAttributes attrs =
            Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isOther()) continue;
        Thread t =
            new Thread(
                () -> {
                  try (FileOutputStream ignored = new FileOutputStream(p.toFile())) {
                    // opened and closed: the reader gets end-of-file
                  } catch (IOException notAFifo) {
                    // a socket, or gone
                  }
                },
                "unjam-" + p.getFileName());
        t.setDaemon(true);
        t.start();
      }
    } catch (IOException | UncheckedIOException e) {
      System.err.println("[redteam] cannot unjam FIFOs under " + dir + ": " + e);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Small things

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) continue outer;
      }
      return true;
    }
    return false;
  }

  static void eventually(Duration bound, BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) fail("not within " + bound + ": " + what);
      sleep(100);
    }
  }

  static void sleep(long ms) {
    try {
      TimeUnit.MILLISECONDS.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String secret(String what) {
    return "PIER-CANARY-SECRET-" + what + "-" + UUID.randomUUID();
  }

  /** Stops what is still running (best effort, each within the bound) and everything else. */
  @Override
  public void close() throws Exception {
    try {
      for (Repl repl : repls) {
        repl.close();
        unjamFifos(repl.workspace());
      }
    } finally {
      try {
        pier.close();
      } finally {
        Mains.await(vertx.close(), Duration.ofSeconds(10));
      }
    }
  }

  static void assertNotExists(Path p) {
    assertFalse(Files.exists(p, LinkOption.NOFOLLOW_LINKS), p + " must not exist on the host");
  }
}
