package io.pier.e2e;

import io.pier.edge.EdgeConfig;
import io.pier.scheduler.e2b.E2bKeys;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The unchanged E2B JavaScript SDK (npm {@code e2b}, pinned with its lock file in {@code src/test/e2b-sdk}) run by Node
 * against a Pier on loopback, as a user's machine would run it against E2B: over HTTPS to {@code api.<domain>} and
 * {@code <port>-<id>.<domain>} on 443, with the certificate trusted through Node's own CA setting. Test configuration
 * only: the names resolve to the edge's address through a preloaded {@code dns.lookup} hook (loopback-dns.cjs).
 */
final class E2bSdk {
  static final Path SOURCES = PierOnLoopback.repo().resolve("e2e/src/test/e2b-sdk");
  private static final Duration INSTALL = Duration.ofMinutes(5);

  /**
   * Where a Pier's edge listens for the SDK: an address of 127.0.0.0/8 of this run's own (port 443 there is this
   * run's, whatever else runs on the machine) and a self-signed certificate for the domain and {@code *.<domain>}.
   */
  record Edge(String address, EdgeConfig.Tls tls) {
    /** Picks a free address and makes the certificate in {@code dir}. Binding 443 needs root, as the tests run. */
    static Edge create(Path dir) throws Exception {
      return new Edge(freeLoopbackAddress(), selfSignedCertificate(dir));
    }

    Path certificate() {
      return tls.certificate();
    }
  }

  /** What a script printed (stdout and stderr, in order) and how it ended. */
  record Result(int exitCode, String output) {
    boolean passed(String marker) {
      return exitCode == 0 && output.lines().anyMatch(l -> l.startsWith("PASS " + marker));
    }

    /** The {@code SANDBOX <id> <sha256>} line survivor.mjs prints, split. */
    String[] sandbox() {
      return output
          .lines()
          .filter(l -> l.startsWith("SANDBOX "))
          .findFirst()
          .map(l -> l.substring("SANDBOX ".length()).split(" "))
          .orElseThrow(() -> new AssertionError("no SANDBOX line in:\n" + output));
    }
  }

  private final Path folder;
  private final Map<String, String> env;

  private E2bSdk(Path folder, Map<String, String> env) {
    this.folder = folder;
    this.env = env;
  }

  /**
   * Copies the scripts, package.json and package-lock.json into {@code folder}, installs the locked packages there
   * ({@code npm ci}, from npm's cache when it holds them) and returns a runner for a Pier whose edge is {@code edge}.
   */
  static E2bSdk install(Path folder, Edge edge, String pierKey) throws Exception {
    Files.createDirectories(folder);
    try (Stream<Path> files = Files.list(SOURCES)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Files.copy(file, folder.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    ProcessBuilder npm =
        new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline")
            .directory(folder.toFile())
            .redirectErrorStream(true);
    Result installed = run(npm, INSTALL, "npm");
    if (installed.exitCode() != 0)
      throw new IllegalStateException("npm ci failed:\n" + installed.output());
    return new E2bSdk(
        folder,
        Map.of(
            "E2B_DOMAIN",
            PierOnLoopback.DOMAIN,
            // The key in its E2B form (e2b_ and hex), which the SDK's own format check lets
            // through.
            "E2B_API_KEY",
            E2bKeys.fromPier(pierKey).orElseThrow(),
            // The same key in Pier's form, for latency.mjs's calls of Pier's own API (the SDK never
            // reads it).
            "PIER_API_KEY",
            pierKey,
            "NODE_EXTRA_CA_CERTS",
            edge.certificate().toAbsolutePath().toString(),
            "NODE_OPTIONS",
            "--require " + folder.resolve("loopback-dns.cjs").toAbsolutePath(),
            "PIER_TEST_LOOPBACK_ADDRESS",
            edge.address()));
  }

  /** Runs {@code node <script> <args>} with the SDK's environment, printing its lines as they come. */
  Result node(Duration within, String script, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(args));
    ProcessBuilder node =
        new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true);
    Map<String, String> environment = node.environment();
    // Nothing of the machine's that would send the SDK elsewhere: other E2B settings, proxies.
    environment.keySet().removeIf(k -> k.startsWith("E2B_") || k.toLowerCase().endsWith("_proxy"));
    environment.putAll(env);
    return run(node, within, script);
  }

  private static Result run(ProcessBuilder builder, Duration within, String label)
      throws Exception {
    Process process = builder.start();
    StringBuilder output = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                  System.out.println("[" + label + "] " + line);
                  synchronized (output) {
                    output.append(line).append('\n');
                  }
                }
              } catch (IOException ended) {
                // the process went away
              }
            },
            "e2b-sdk-output");
    reader.start();
    if (!process.waitFor(within.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      reader.join(5000);
      synchronized (output) {
        throw new AssertionError(label + " did not end within " + within + ":\n" + output);
      }
    }
    reader.join(5000);
    synchronized (output) {
      return new Result(process.exitValue(), output.toString());
    }
  }

  /** A new user of the Pier signs up and makes an API key, straight at the first scheduler (as the apex would). */
  static String apiKey(PierOnLoopback pier, String username) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String token =
        new JsonObject(
                post(
                    http,
                    pier,
                    "/api/auth/signup",
                    new JsonObject()
                        .put("username", username)
                        .put("password", "a long password for the sdk"),
                    null,
                    201))
            .getString("token");
    return new JsonObject(
            post(http, pier, "/api/keys", new JsonObject().put("name", "e2b-sdk"), token, 201))
        .getString("key");
  }

  private static String post(
      HttpClient http,
      PierOnLoopback pier,
      String path,
      JsonObject body,
      String bearer,
      int expected)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.schedulerPort + path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (bearer != null) request.header("Authorization", "Bearer " + bearer);
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != expected)
      throw new AssertionError(
          "POST " + path + ": " + response.statusCode() + " " + response.body());
    return response.body();
  }

  /** An address of 127.0.0.0/8 whose port 443 nothing holds (127.0.0.1 and its neighbours left alone). */
  static String freeLoopbackAddress() throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      String address =
          "127."
              + random.nextInt(64, 250)
              + "."
              + random.nextInt(1, 255)
              + "."
              + random.nextInt(1, 255);
      try (ServerSocket probe = new ServerSocket(443, 1, InetAddress.getByName(address))) {
        return address;
      } catch (IOException taken) {
        last = taken;
      }
    }
    throw new IOException("no loopback address with a free port 443 (are the tests root?)", last);
  }

  /** A self-signed certificate (and its key) for the test domain and {@code *.<domain>}, TLS on 443. */
  static EdgeConfig.Tls selfSignedCertificate(Path dir) throws Exception {
    Files.createDirectories(dir);
    String domain = PierOnLoopback.DOMAIN;
    Process openssl =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=" + domain,
                "-addext",
                "subjectAltName=DNS:" + domain + ",DNS:*." + domain,
                "-keyout",
                dir.resolve("key.pem").toString(),
                "-out",
                dir.resolve("cert.pem").toString())
            .redirectErrorStream(true)
            .start();
    String said = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (openssl.waitFor() != 0) throw new IllegalStateException("openssl failed: " + said);
    return new EdgeConfig.Tls(dir.resolve("cert.pem"), dir.resolve("key.pem"), 443);
  }
}
