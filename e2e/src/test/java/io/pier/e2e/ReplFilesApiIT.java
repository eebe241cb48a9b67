package io.pier.e2e;

import static io.pier.e2e.HostileWorkspace.assertNotExists;
import static io.pier.e2e.HostileWorkspace.assertUntouched;
import static io.pier.e2e.HostileWorkspace.contents;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.auth.TokenSigner;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 17, files and archives for programs: {@code /api/repls/<slug>/files} and {@code /archive} through the
 * edge-proxy against a real repl container, the node-agent a root process of its own with a 256 MiB heap. The attacks
 * come first: links and FIFOs planted from inside the repl as uid 1000, and a folder swapped for a link while an
 * upload into it is under way; the host's canary files must stay untouched and unread. Then what programs do: binary
 * files byte-exact (one of 200 MiB, more than the agent's heap), a project up as tar, its tests run, the result down
 * as tar, a change stream, and another account refused.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplFilesApiIT {
  static HostileWorkspace hw;
  static HostileWorkspace.Repl repl;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    hw = HostileWorkspace.start("files-api", 512);
    repl = hw.repl();
  }

  @AfterAll
  static void stop() throws Exception {
    if (hw != null) hw.close();
  }

  // --- attacks
  // ---------------------------------------------------------------------------------------------------

  @Test
  @Order(1)
  void linksAndFifosPlantedInTheWorkspaceAreNeitherReadNorWrittenThrough() throws Exception {
    String secret = HostileWorkspace.secret("files-api");
    Path host = hw.canaryFolder("api-links", Map.of("secret.txt", secret + "\n", "keep", "x\n"));
    Map<String, String> before = contents(host);
    repl.shOk(
        "mkdir -p /workspace/atk && cd /workspace/atk && ln -s "
            + host
            + " hostdir && ln -s "
            + host.resolve("secret.txt")
            + " secret.txt && ln -s /etc etc && mkfifo fifo && ln -s "
            + HostileWorkspace.relativeLink(repl.workspace().resolve("atk"), host)
            + " rel && cd /workspace");

    for (String path :
        new String[] {
          "atk/secret.txt",
          "atk/hostdir/secret.txt",
          "atk/hostdir",
          "atk/etc/passwd",
          "atk/rel/secret.txt",
          "atk/fifo"
        }) {
      HttpResponse<byte[]> read = call("GET", "/files/" + path, null, null);
      assertEquals(403, read.statusCode(), path + ": " + text(read));
      assertFalse(HostileWorkspace.contains(read.body(), secret.getBytes(StandardCharsets.UTF_8)));
    }
    assertEquals(
        "link", json(call("GET", "/files/atk/hostdir?stat=true", null, null)).getString("type"));

    byte[] pwned = "PWNED\n".getBytes(StandardCharsets.UTF_8);
    assertEquals(
        403, call("PUT", "/files/atk/hostdir/new.txt?parents=true", pwned, null).statusCode());
    assertEquals(403, call("PUT", "/files/atk/rel/secret.txt", pwned, null).statusCode());
    assertEquals(
        403, call("POST", "/files/atk/hostdir/sub?op=mkdir&parents=true", null, null).statusCode());
    assertEquals(
        403, call("POST", "/files/atk/hostdir/keep?op=move&to=stolen", null, null).statusCode());
    assertEquals(403, call("DELETE", "/files/atk/hostdir/keep", null, null).statusCode());
    assertEquals(
        403,
        call("PUT", "/archive/atk/hostdir?format=tar", tar("x.txt", pwned), null).statusCode());
    assertEquals(403, call("GET", "/archive/atk/hostdir", null, null).statusCode());
    // A name that is a link is replaced by the upload, never written through.
    assertEquals(200, call("PUT", "/files/atk/secret.txt", pwned, null).statusCode());
    assertTrue(
        Files.isRegularFile(repl.workspace().resolve("atk/secret.txt"), LinkOption.NOFOLLOW_LINKS));
    // Deleting the link deletes the link.
    assertEquals(200, call("DELETE", "/files/atk/hostdir?recursive=true", null, null).statusCode());
    // The whole workspace as an archive: the links and the FIFO are left out, nothing hangs.
    HttpResponse<byte[]> all = call("GET", "/archive/?format=tar", null, null);
    assertEquals(200, all.statusCode());
    assertFalse(HostileWorkspace.contains(all.body(), secret.getBytes(StandardCharsets.UTF_8)));

    assertUntouched(host, before);
    assertNotExists(host.resolve("new.txt"));
    assertNotExists(host.resolve("sub"));
    hw.assertHealthy();
  }

  @Test
  @Order(2)
  void aFolderSwappedForALinkDuringAnUploadNeverReceivesIt() throws Exception {
    Path host = hw.canaryFolder("api-swap", Map.of("keep", "x\n"));
    Map<String, String> before = contents(host);
    repl.shOk("cd /workspace && mkdir -p up");
    CountDownLatch rest = new CountDownLatch(1);
    byte[] first = new byte[1 << 20];
    InputStream body =
        new InputStream() {
          private long sent;

          @Override
          public int read() {
            throw new UnsupportedOperationException();
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (sent == first.length) {
              try {
                rest.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            if (sent >= 2L * first.length) return -1;
            int n = (int) Math.min(len, 2L * first.length - sent);
            if (sent < first.length) n = (int) Math.min(n, first.length - sent);
            Arrays.fill(b, off, off + n, (byte) 'A');
            sent += n;
            return n;
          }
        };
    CompletableFuture<HttpResponse<String>> upload =
        HTTP.sendAsync(
            request("PUT", "/files/up/big.bin", null)
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    // The node-agent has the folder open once its temporary file is there.
    Path up = repl.workspace().resolve("up");
    HostileWorkspace.eventually(
        Duration.ofSeconds(30),
        () -> {
          try (Stream<Path> files = Files.list(up)) {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(".pier-tmp"));
          } catch (IOException e) {
            return false;
          }
        },
        "the upload's temporary file appears");
    repl.shOk("cd /workspace && mv up up.old && ln -s " + host + " up");
    rest.countDown();
    HttpResponse<String> done = upload.get(60, TimeUnit.SECONDS);
    assertTrue(done.statusCode() / 100 == 2 || done.statusCode() / 100 == 4, done.body());
    assertUntouched(host, before);
    assertNotExists(host.resolve("big.bin"));
    hw.assertHealthy();
  }

  @Test
  @Order(3)
  void anotherAccountIsRefused() throws Exception {
    String other =
        new TokenSigner(PierOnLoopback.AUTH_SECRET, Clock.systemUTC())
            .issue("someone-else", false, Duration.ofHours(1));
    assertEquals(403, call("GET", "/files/", null, other).statusCode());
    assertEquals(403, call("PUT", "/files/x.txt", new byte[] {1}, other).statusCode());
    assertEquals(403, call("GET", "/archive/", null, other).statusCode());
    assertNotExists(repl.workspace().resolve("x.txt"));
  }

  // --- what programs do
  // ------------------------------------------------------------------------------------------

  @Test
  @Order(4)
  void aBinaryFileRoundTripsByteExactAndReachesStorage() throws Exception {
    byte[] data = new byte[6 * 1024 * 1024 + 123];
    new Random(17).nextBytes(data);
    HttpResponse<byte[]> put = call("PUT", "/files/bin/data.bin?parents=true", data, null);
    assertEquals(201, put.statusCode(), text(put));
    assertEquals(data.length, json(put).getLong("bytes"));
    HttpResponse<byte[]> got = call("GET", "/files/bin/data.bin", null, null);
    assertEquals(200, got.statusCode());
    assertArrayEquals(data, got.body());
    HttpResponse<byte[]> range =
        HTTP.send(
            request("GET", "/files/bin/data.bin", null).header("Range", "bytes=1000-1999").build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(206, range.statusCode());
    assertArrayEquals(Arrays.copyOfRange(data, 1000, 2000), range.body());
    // What the container sees is what was sent, owned by the repl's user.
    repl.shOk(
        "cd /workspace && test $(stat -c %u bin/data.bin) = 1000 && test $(stat -c %s bin/data.bin) = "
            + data.length);
    JsonObject listing = json(call("GET", "/files/bin", null, null));
    assertEquals("data.bin", listing.getJsonArray("entries").getJsonObject(0).getString("name"));
    HostileWorkspace.eventually(
        HostileWorkspace.SYNC_BOUND,
        () -> hw.stored(repl.key("bin/data.bin")).map(b -> Arrays.equals(b, data)).orElse(false),
        "the uploaded file reaches storage");

    assertEquals(
        200,
        call("POST", "/files/bin/data.bin?op=move&to=bin2/moved.bin", null, null).statusCode());
    assertEquals(404, call("GET", "/files/bin/data.bin", null, null).statusCode());
    assertEquals(409, call("DELETE", "/files/bin2", null, null).statusCode());
    assertEquals(200, call("DELETE", "/files/bin2?recursive=true", null, null).statusCode());
    assertEquals(400, call("GET", "/files/a/%2e%2e/%2e%2e/etc/passwd", null, null).statusCode());
  }

  @Test
  @Order(5)
  void twoHundredMiBStreamThroughAnAgentWithASmallerHeap() throws Exception {
    long size = 200L * 1024 * 1024;
    MessageDigest sent = MessageDigest.getInstance("SHA-256");
    HttpResponse<String> put =
        HTTP.send(
            request("PUT", "/files/large.bin", null)
                .PUT(
                    HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(
                            () -> new DigestInputStream(pseudoRandom(size), sent)),
                        size))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(201, put.statusCode(), put.body());
    HttpResponse<InputStream> got =
        HTTP.send(
            request("GET", "/files/large.bin", null).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, got.statusCode());
    MessageDigest received = MessageDigest.getInstance("SHA-256");
    long count;
    try (InputStream in = new DigestInputStream(got.body(), received)) {
      count = in.transferTo(OutputStreamNull.INSTANCE);
    }
    assertEquals(size, count);
    assertEquals(
        HexFormat.of().formatHex(sent.digest()), HexFormat.of().formatHex(received.digest()));
    assertEquals(200, call("DELETE", "/files/large.bin", null, null).statusCode());
    hw.assertAgentNeverRanOutOfMemory();
    hw.assertHealthy();
  }

  @Test
  @Order(6)
  void aProjectGoesUpAsTarItsTestsRunAndTheResultComesBackAsTar() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bytes)) {
      put(t, "./src/sum.js", "module.exports = (a, b) => a + b;\n", 0644);
      put(
          t,
          "./test.js",
          "const s = require('./src/sum');\nconsole.log(s(2, 3) === 5 ? 'PASS' : 'FAIL');\n",
          0644);
      put(t, "./run-tests.sh", "#!/bin/sh\nnode test.js > result.txt\n", 0755);
    }
    HttpResponse<byte[]> up = call("PUT", "/archive/proj?format=tar", bytes.toByteArray(), null);
    assertEquals(200, up.statusCode(), text(up));
    assertEquals(3, json(up).getInteger("files"));
    repl.shOk("cd /workspace/proj && ./run-tests.sh && cd /workspace");
    HttpResponse<byte[]> down = call("GET", "/archive/proj?format=tar", null, null);
    assertEquals(200, down.statusCode());
    String result = null;
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(new ByteArrayInputStream(down.body()))) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        if (e.getName().equals("result.txt"))
          result = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    assertEquals("PASS\n", result);

    // A malicious archive through the edge: refused, naming the entry.
    HttpResponse<byte[]> bad =
        call("PUT", "/archive/proj?format=tar", tar("../../escape.txt", new byte[] {1}), null);
    assertEquals(400, bad.statusCode());
    assertEquals("../../escape.txt", json(bad).getString("entry"));
  }

  @Test
  @Order(7)
  void aChangeStreamReportsWhatTheReplWrites() throws Exception {
    repl.shOk("cd /workspace && mkdir -p watched");
    CompletableFuture<HttpResponse<Stream<String>>> stream =
        HTTP.sendAsync(
            request("GET", "/files/watched?watch=true", null).build(),
            HttpResponse.BodyHandlers.ofLines());
    HttpResponse<Stream<String>> events = stream.get(30, TimeUnit.SECONDS);
    assertEquals(200, events.statusCode());
    CompletableFuture<String> seen =
        CompletableFuture.supplyAsync(
            () ->
                events
                    .body()
                    .filter(l -> l.startsWith("data:") && l.contains("watched/made-in-repl.txt"))
                    .findFirst()
                    .orElse(""));
    repl.shOk("sleep 1; echo hi > watched/made-in-repl.txt");
    assertTrue(seen.get(30, TimeUnit.SECONDS).contains("\"kind\":\"created\""));
  }

  // --- helpers
  // ---------------------------------------------------------------------------------------------------

  private static HttpRequest.Builder request(String method, String path, String token) {
    return HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + hw.pier.edgePort + "/api/repls/" + repl.slug + path))
        .timeout(Duration.ofMinutes(5))
        .header("Host", PierOnLoopback.DOMAIN)
        .header("Authorization", "Bearer " + (token == null ? hw.pier.userToken : token));
  }

  private static HttpResponse<byte[]> call(String method, String path, byte[] body, String token)
      throws Exception {
    HttpRequest.Builder b = request(method, path, token);
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private static JsonObject json(HttpResponse<byte[]> r) {
    return new JsonObject(text(r));
  }

  private static byte[] tar(String name, byte[] content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bytes)) {
      TarArchiveEntry e = new TarArchiveEntry(name, true);
      e.setSize(content.length);
      t.putArchiveEntry(e);
      t.write(content);
      t.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }

  private static void put(TarArchiveOutputStream t, String name, String content, int mode)
      throws IOException {
    byte[] b = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(b.length);
    e.setMode(0100000 | mode);
    t.putArchiveEntry(e);
    t.write(b);
    t.closeArchiveEntry();
  }

  /** {@code size} bytes of a seeded generator, never held whole. */
  private static InputStream pseudoRandom(long size) {
    return new InputStream() {
      private final Random random = new Random(42);
      private long left = size;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left <= 0) return -1;
        int n = (int) Math.min(len, left);
        byte[] chunk = new byte[n];
        random.nextBytes(chunk);
        System.arraycopy(chunk, 0, b, off, n);
        left -= n;
        return n;
      }
    };
  }

  /** Discards what it is given. */
  static final class OutputStreamNull extends java.io.OutputStream {
    static final OutputStreamNull INSTANCE = new OutputStreamNull();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
