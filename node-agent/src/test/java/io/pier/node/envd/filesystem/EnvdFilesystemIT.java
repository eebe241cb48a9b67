package io.pier.node.envd.filesystem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.auth.SandboxAccessTokens;
import io.pier.common.cluster.ClusterState;
import io.pier.common.cluster.InMemoryStringMap;
import io.pier.common.config.Mains;
import io.pier.common.repl.Limits;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.node.envd.EnvdGate;
import io.pier.node.envd.EnvdLimits;
import io.pier.node.envd.EnvdRoutes;
import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.files.FileApiSettings;
import io.pier.node.files.TransferPool;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The in-sandbox API's filesystem against a real repl container: the workspace is bind-mounted into a
 * {@code pier-runner-node} container as {@code /workspace}, and what the repl plants there it plants from inside, as
 * uid 1000 ({@code docker exec -u 1000}): links to a host folder of canaries (absolute host paths: the root agent is the
 * one that would follow them), to {@code /}, a relative link out of the workspace, and a FIFO. Every method of
 * {@code filesystem.Filesystem} and envd's HTTP {@code /files} must neither follow them nor hang on them; the canaries
 * stay untouched and unread. Then what E2B programs do: files up as multipart (several at once, binary) and raw, down
 * again byte-exact, listed, moved, watched. Needs root and dockerd with the pier-runner-node image.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnvdFilesystemIT {
  private static final String IMAGE = "pier-runner-node:latest";
  private static final Duration PROMPT = Duration.ofSeconds(10);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  static Path root;
  static Path ws;
  static Path canaries;
  static String secret;
  static Map<String, String> canariesBefore;
  static String container;
  static EnvdFixture fx;
  static HttpServer server;
  static TransferPool transfers;
  static String accessToken;
  private static final String SECRET = "envd-filesystem-it-secret-0123456789";

  @BeforeAll
  static void start() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "runs as root, as the node-agent");
    String run = UUID.randomUUID().toString().substring(0, 8);
    root = Files.createDirectories(Path.of("target", "envdfs-it-" + run).toAbsolutePath());
    ws = Files.createDirectories(root.resolve("blue-fox-" + run));
    canaries = Files.createDirectories(root.resolve("canaries"));
    secret = "CANARY-" + UUID.randomUUID();
    Files.writeString(canaries.resolve("secret.txt"), secret + "\n");
    Files.writeString(canaries.resolve("keep"), "keep\n");
    canariesBefore = contents(canaries);
    sh("chown", "1000:1000", ws.toString());
    container =
        sh(
                "docker",
                "run",
                "-d",
                "--rm",
                "--label",
                "pier.test=envdfs-it",
                "--user",
                "1000:1000",
                "--network",
                "none",
                "--cap-drop",
                "ALL",
                "-v",
                ws + ":/workspace",
                IMAGE,
                "sleep",
                "600")
            .strip();
    fx = new EnvdFixture(ws, Duration.ofSeconds(60));
    transfers = new TransferPool(4, new SimpleMeterRegistry());
    Router router = Router.router(fx.vertx);
    router
        .route("/envd/:slug/files")
        .handler(new EnvdFiles(fx.vertx, transfers, FileApiSettings.DEFAULT, ctx -> fx.repl));
    // The node-agent's own wiring, under /gated: the real gate (the access token against the repl's
    // record in the
    // cluster) and router in front of the same service and /files.
    String slug = fx.repl.slug();
    ClusterState cluster = new ClusterState(name -> new InMemoryStringMap(Clock.systemUTC()));
    Instant created = Instant.now();
    Mains.await(
        cluster
            .repls()
            .put(
                slug,
                new ReplRecord(
                    slug,
                    "node",
                    "alice",
                    ReplState.RUNNING,
                    "n1",
                    created,
                    created,
                    new Limits(0.5, 256, 128))),
        PROMPT);
    SandboxAccessTokens tokens = new SandboxAccessTokens(SECRET);
    accessToken = tokens.issue(slug, created.toEpochMilli());
    EnvdGate gate =
        new EnvdGate(
            "n1",
            s -> s.equals(slug) ? Optional.of(fx.repl) : Optional.empty(),
            cluster.repls(),
            tokens);
    Router gated = Router.router(fx.vertx);
    EnvdRoutes envd =
        new EnvdRoutes(fx.vertx, gate, EnvdLimits.defaults(), new SimpleMeterRegistry())
            .register(fx.service);
    envd.mount(gated);
    gated
        .route("/envd/:slug/files")
        .handler(envd.gate()::admit)
        .handler(
            new EnvdFiles(
                fx.vertx, transfers, FileApiSettings.DEFAULT, ctx -> EnvdGate.call(ctx).repl()));
    router.route("/gated/*").subRouter(gated);
    server =
        Mains.await(
            fx.vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"), PROMPT);
  }

  @AfterAll
  static void stop() throws Exception {
    if (container != null) sh("docker", "rm", "-f", container);
    if (fx != null) fx.close();
    if (transfers != null) transfers.close();
  }

  // --- attacks
  // ---------------------------------------------------------------------------------------------------

  @Test
  @Order(1)
  void linksAndFifosPlantedByTheReplAreNeitherFollowedNorOpened() throws Exception {
    inRepl(
        "cd /workspace && mkdir atk && cd atk && ln -s "
            + canaries
            + " hostdir && ln -s "
            + canaries.resolve("secret.txt")
            + " secret.txt && ln -s / slash && ln -s ../../canaries rel && mkfifo fifo && touch x");

    // Stat names links as links.
    for (String link : List.of("hostdir", "secret.txt", "slash", "rel")) {
      JsonObject entry = fx.unary("Stat", path("/home/user/atk/" + link)).getJsonObject("entry");
      assertEquals("FILE_TYPE_SYMLINK", entry.getString("type"), link);
    }
    // Nothing goes through one, and the FIFO is listed, never opened.
    for (String through : List.of("hostdir/secret.txt", "slash/etc/passwd", "rel/secret.txt")) {
      assertEquals(
          ConnectCode.PERMISSION_DENIED,
          fx.refused("Stat", path("atk/" + through)).code(),
          through);
      assertEquals(
          ConnectCode.PERMISSION_DENIED,
          fx.refused("Remove", path("atk/" + through)).code(),
          through);
    }
    JsonArray listing =
        fx.unary("ListDir", path("/workspace").put("depth", 5)).getJsonArray("entries");
    assertFalse(listing.encode().contains("secret.txt\",\"type\":\"FILE_TYPE_FILE"));
    assertFalse(
        listing.encode().contains("keep"), "a listing never enters a link: " + listing.encode());
    assertEquals(ConnectCode.PERMISSION_DENIED, fx.refused("ListDir", path("atk/hostdir")).code());
    assertEquals(ConnectCode.PERMISSION_DENIED, fx.refused("ListDir", path("atk/slash")).code());
    assertEquals(
        ConnectCode.PERMISSION_DENIED, fx.refused("MakeDir", path("atk/hostdir/new")).code());
    assertEquals(
        ConnectCode.PERMISSION_DENIED,
        fx.refused(
                "Move",
                new JsonObject().put("source", "atk/hostdir/keep").put("destination", "stolen"))
            .code());
    assertEquals(
        ConnectCode.PERMISSION_DENIED,
        fx.refused(
                "Move", new JsonObject().put("source", "atk/x").put("destination", "atk/hostdir/x"))
            .code());
    assertEquals(
        ConnectCode.PERMISSION_DENIED, await(fx.stream("WatchDir", path("atk/hostdir"))).code());
    assertEquals(
        ConnectCode.PERMISSION_DENIED, fx.refused("CreateWatcher", path("atk/slash")).code());

    // envd's /files: nothing read or written through a link, the FIFO refused at once.
    for (String through :
        List.of(
            "atk/secret.txt",
            "atk/hostdir/secret.txt",
            "atk/slash/etc/passwd",
            "atk/rel/secret.txt",
            "atk/fifo",
            "atk/hostdir")) {
      HttpResponse<byte[]> read = get("/home/user/" + through);
      assertTrue(
          read.statusCode() == 403 || read.statusCode() == 400, through + ": " + read.statusCode());
      assertFalse(new String(read.body(), StandardCharsets.UTF_8).contains(secret), through);
      assertEquals(
          read.statusCode(),
          new JsonObject(new String(read.body(), StandardCharsets.UTF_8)).getInteger("code"));
    }
    byte[] pwned = "PWNED\n".getBytes(StandardCharsets.UTF_8);
    assertEquals(
        403,
        postMultipart(null, List.of(Map.entry("/home/user/atk/hostdir/new.txt", pwned)))
            .statusCode());
    assertEquals(403, postRaw("atk/rel/secret.txt", pwned).statusCode());
    assertEquals(403, postRaw("atk/slash/tmp/x", pwned).statusCode());
    // A name that is a link is replaced by the upload, never written through.
    assertEquals(200, postRaw("atk/secret.txt", pwned).statusCode());
    assertTrue(Files.isRegularFile(ws.resolve("atk/secret.txt"), LinkOption.NOFOLLOW_LINKS));
    // Removing a link removes the link.
    fx.unary("Remove", path("atk/hostdir"));
    assertFalse(Files.exists(ws.resolve("atk/hostdir"), LinkOption.NOFOLLOW_LINKS));

    assertEquals(canariesBefore, contents(canaries));
    assertFalse(Files.exists(canaries.resolve("new.txt")));
  }

  @Test
  @Order(2)
  void pathsOutsideTheWorkspaceAreRefusedOverBothApis() throws Exception {
    assertEquals(ConnectCode.INVALID_ARGUMENT, fx.refused("Stat", path("/etc/passwd")).code());
    assertEquals(
        ConnectCode.INVALID_ARGUMENT, fx.refused("ListDir", path("/home/user/../../")).code());
    assertEquals(400, get("/etc/passwd").statusCode());
    assertEquals(400, postRaw("/tmp/x", new byte[] {1}).statusCode());
  }

  // --- what E2B programs do
  // --------------------------------------------------------------------------------------------

  @Test
  @Order(3)
  void filesGoUpAsMultipartAndComeDownByteExactAsTheReplSeesThem() throws Exception {
    byte[] big = new byte[3 * 1024 * 1024 + 17];
    new Random(1).nextBytes(big);
    byte[] small = "print('hi')\n".getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> up =
        postMultipart(
            null,
            List.of(Map.entry("/home/user/data/big.bin", big), Map.entry("app/main.py", small)));
    assertEquals(200, up.statusCode(), new String(up.body(), StandardCharsets.UTF_8));
    assertEquals(
        new JsonArray()
            .add(
                new JsonObject()
                    .put("path", "/home/user/data/big.bin")
                    .put("name", "big.bin")
                    .put("type", "file"))
            .add(
                new JsonObject()
                    .put("path", "/home/user/app/main.py")
                    .put("name", "main.py")
                    .put("type", "file")),
        new JsonArray(new String(up.body(), StandardCharsets.UTF_8)));
    assertArrayEquals(big, get("/workspace/data/big.bin").body());
    assertArrayEquals(small, get("app/main.py").body());
    // The repl sees them as its own, at /workspace.
    assertEquals("1000 " + big.length, inRepl("stat -c '%u %s' /workspace/data/big.bin").strip());
    HttpResponse<byte[]> empty =
        postMultipart("/home/user/empty.txt", List.of(Map.entry("ignored-name", new byte[0])));
    assertEquals(200, empty.statusCode());
    HttpResponse<byte[]> down = get("empty.txt");
    assertEquals(200, down.statusCode());
    assertEquals("0", down.headers().firstValue("Content-Length").orElse(""));
    assertEquals(404, get("nothing.txt").statusCode());
    assertEquals(400, get("/home/user/data").statusCode());
    assertTrue(fx.journalled.containsAll(List.of("data/big.bin", "app/main.py", "empty.txt")));
  }

  @Test
  @Order(4)
  void aWatchSeesWhatTheReplWritesAndAMoveAndListingAgree() throws Exception {
    fx.unary("MakeDir", path("/home/user/watched"));
    EnvdFixture.RecordingSink watch =
        fx.stream("WatchDir", path("/home/user/watched").put("recursive", true));
    assertEquals(new JsonObject().put("start", new JsonObject()), watch.next());
    inRepl("mkdir -p /workspace/watched/sub && echo hi > /workspace/watched/sub/note.txt");
    List<JsonObject> seen = new ArrayList<>();
    while (seen.stream().noneMatch(e -> e.getString("name").equals("sub/note.txt")))
      seen.add(watch.nextEvent());
    watch.leave();
    JsonObject moved =
        fx.unary(
                "Move",
                new JsonObject()
                    .put("source", "watched/sub/note.txt")
                    .put("destination", "/workspace/moved/note.txt"))
            .getJsonObject("entry");
    assertEquals("/workspace/moved/note.txt", moved.getString("path"));
    assertEquals("3", moved.getString("size"));
    assertEquals("hi", inRepl("cat /workspace/moved/note.txt").strip());
    JsonArray entries = fx.unary("ListDir", path("moved")).getJsonArray("entries");
    assertEquals(1, entries.size());
    assertEquals("user", entries.getJsonObject(0).getString("owner"));
  }

  @Test
  @Order(5)
  void throughTheNodeAgentsGateOnlyTheSandboxsAccessTokenOpensItsFiles() throws Exception {
    String base = "http://127.0.0.1:" + server.actualPort() + "/gated/envd/" + fx.repl.slug();
    HttpResponse<String> stat =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/filesystem.Filesystem/Stat"))
                .timeout(PROMPT)
                .header("Content-Type", "application/json")
                .header("X-Access-Token", accessToken)
                .POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"/home/user/app/main.py\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, stat.statusCode(), stat.body());
    assertEquals(
        "FILE_TYPE_FILE", new JsonObject(stat.body()).getJsonObject("entry").getString("type"));
    HttpResponse<String> listed =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/filesystem.Filesystem/ListDir"))
                .timeout(PROMPT)
                .header("Content-Type", "application/json")
                .header("X-Access-Token", accessToken)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"path\":\"/home/user/atk\",\"depth\":3}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, listed.statusCode(), listed.body());
    assertFalse(listed.body().contains(secret));
    HttpResponse<byte[]> file =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/files?path=app/main.py"))
                .timeout(PROMPT)
                .header("X-Access-Token", accessToken)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals("print('hi')\n", new String(file.body(), StandardCharsets.UTF_8));
    for (String token : new String[] {null, "wrong", accessToken + "x"}) {
      for (String path : List.of("/files?path=app/main.py", "/filesystem.Filesystem/ListDir")) {
        HttpRequest.Builder request =
            HttpRequest.newBuilder(URI.create(base + path))
                .timeout(PROMPT)
                .header("Content-Type", "application/json");
        if (token != null) request.header("X-Access-Token", token);
        HttpResponse<String> refused =
            HTTP.send(
                path.startsWith("/files")
                    ? request.GET().build()
                    : request.POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, refused.statusCode(), path + " with " + token + ": " + refused.body());
        assertFalse(refused.body().contains("print"));
      }
    }
  }

  // --- helpers
  // ---------------------------------------------------------------------------------------------------

  private static ConnectException await(EnvdFixture.RecordingSink sink) {
    EnvdFixture.eventually(() -> sink.failure != null);
    return sink.failure;
  }

  private static JsonObject path(String path) {
    return new JsonObject().put("path", path);
  }

  private static String url(String path) {
    return "http://127.0.0.1:"
        + server.actualPort()
        + "/envd/"
        + fx.repl.slug()
        + "/files"
        + (path == null ? "" : "?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8));
  }

  private static HttpResponse<byte[]> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url(path))).timeout(PROMPT).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> postRaw(String path, byte[] content) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url(path)))
            .timeout(PROMPT)
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofByteArray(content))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A form as the SDK sends it: one part named {@code file} per file, its path as the file name. */
  private static HttpResponse<byte[]> postMultipart(
      String path, List<Map.Entry<String, byte[]>> files) throws Exception {
    String boundary = "----formdata-undici-0" + System.nanoTime();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> file : files) {
      body.write(
          ("--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                  + file.getKey()
                  + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      body.write(file.getValue());
      body.write("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url(path)))
            .timeout(PROMPT)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Runs a shell command in the repl's container as its user. */
  private static String inRepl(String command) throws Exception {
    return sh("docker", "exec", "-u", "1000:1000", container, "sh", "-c", command);
  }

  private static String sh(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0)
      throw new AssertionError(String.join(" ", command) + " failed: " + out);
    return out;
  }

  private static Map<String, String> contents(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList())
        files.put(dir.relativize(p).toString(), Files.readString(p));
    }
    return files;
  }
}
