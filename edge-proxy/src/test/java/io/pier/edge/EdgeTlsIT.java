package io.pier.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pier.common.auth.TokenSigner;
import io.pier.common.cluster.ClusterConfig;
import io.pier.common.cluster.hazelcast.HazelcastCluster;
import io.pier.common.config.Mains;
import io.pier.common.repl.Limits;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.common.repl.Route;
import io.pier.common.repl.Visibility;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS on the edge-proxy with a self-signed wildcard certificate: HTTPS for the apex and previews, HTTP redirected; the
 * Origin check and a private preview's hand-over keep to https.
 */
class EdgeTlsIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String DOMAIN = "pier.localhost";
  private static final String SECRET = "edge-tls-secret-long-enough";
  private static HazelcastCluster dataMember;
  private static EdgeProxyMain.Running edge;
  private static Vertx client;
  private static int plainPort;
  private static int tlsPort;
  private static Path certificate;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "tls-" + UUID.randomUUID()));
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
                "/CN=" + DOMAIN,
                "-addext",
                "subjectAltName=DNS:" + DOMAIN + ",DNS:*." + DOMAIN,
                "-keyout",
                dir.resolve("key.pem").toString(),
                "-out",
                dir.resolve("cert.pem").toString())
            .redirectErrorStream(true)
            .start();
    assertEquals(
        0,
        openssl.waitFor(),
        new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    certificate = dir.resolve("cert.pem");
    ClusterConfig cluster = TestClusters.onLoopback("edge-tls-");
    dataMember =
        Mains.await(
            HazelcastCluster.join(cluster, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)),
            WAIT);
    client = Vertx.vertx();
    HttpServer app =
        Mains.await(
            client
                .createHttpServer()
                .requestHandler(req -> req.response().end("app over " + req.scheme()))
                .listen(0, "127.0.0.1"),
            WAIT);
    Mains.await(
        dataMember
            .state()
            .routes()
            .put(
                "secure-app",
                new Route("secure-app", "n1", "127.0.0.1", app.actualPort(), "http://127.0.0.1:1")),
        WAIT);
    Mains.await(
        dataMember
            .state()
            .routes()
            .put(
                "secure-hidden",
                new Route(
                    "secure-hidden", "n1", "127.0.0.1", app.actualPort(), "http://127.0.0.1:1")),
        WAIT);
    Mains.await(
        dataMember
            .state()
            .repls()
            .put(
                "secure-hidden",
                new ReplRecord(
                    "secure-hidden",
                    "node",
                    "ada",
                    ReplState.RUNNING,
                    "n1",
                    Instant.now(),
                    Instant.now(),
                    new Limits(1, 512, 256),
                    Visibility.PRIVATE)),
        WAIT);
    plainPort = freePort();
    tlsPort = freePort();
    edge =
        Mains.await(
            EdgeProxyMain.start(
                new EdgeConfig(
                    "127.0.0.1",
                    plainPort,
                    DOMAIN,
                    List.of(),
                    Duration.ZERO,
                    SECRET,
                    new ClusterConfig(
                        cluster.name(), cluster.members(), cluster.host(), cluster.port(), true),
                    new EdgeConfig.Tls(dir.resolve("cert.pem"), dir.resolve("key.pem"), tlsPort))),
            WAIT);
  }

  @AfterAll
  static void stop() throws Exception {
    if (edge != null) edge.close();
    if (client != null) Mains.await(client.close(), WAIT);
    if (dataMember != null) Mains.await(dataMember.close(), WAIT);
  }

  @Test
  void httpsServesTheApexAndPreviewsWithTheConfiguredCertificate() throws Exception {
    var https =
        client.createHttpClient(
            new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
    assertEquals(200, get(https, tlsPort, DOMAIN, "/healthz").statusCode());
    var preview = get(https, tlsPort, "secure-app." + DOMAIN, "/");
    assertEquals(200, preview.statusCode());
    assertEquals("app over http", preview.body(), "TLS ends at the edge");
  }

  @Test
  void plainHttpIsRedirectedToHttpsButStillAnswersHealthChecks() throws Exception {
    var http = client.createHttpClient();
    var redirected = get(http, plainPort, "secure-app." + DOMAIN, "/page?x=1");
    assertEquals(301, redirected.statusCode());
    assertEquals(
        "https://secure-app." + DOMAIN + ":" + tlsPort + "/page?x=1", redirected.location());
    assertEquals(200, get(http, plainPort, "127.0.0.1", "/healthz").statusCode());
  }

  @Test
  void overHttpsOnlyTheHttpsApexOriginMayCallTheApi() {
    var https =
        client.createHttpClient(
            new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
    String apex = DOMAIN + ":" + tlsPort;
    Response own =
        send(https, HttpMethod.POST, tlsPort, apex, "/api/repls", "Origin", "https://" + apex);
    assertTrue(own.statusCode() != 403, "the apex's own page gets past the check: " + own.body());
    Response downgraded =
        send(https, HttpMethod.POST, tlsPort, apex, "/api/repls", "Origin", "http://" + apex);
    assertEquals(403, downgraded.statusCode(), "http:// is another origin than https://");
    Response preview =
        send(
            https,
            HttpMethod.POST,
            tlsPort,
            apex,
            "/api/repls",
            "Origin",
            "https://secure-app." + apex);
    assertEquals(403, preview.statusCode());
  }

  @Test
  void aPrivatePreviewsHandOverStaysOnHttpsAndItsCookieIsSecure() {
    var https =
        client.createHttpClient(
            new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
    String host = "secure-hidden." + DOMAIN + ":" + tlsPort;
    Response challenge = send(https, HttpMethod.GET, tlsPort, host, "/", "Accept", "text/html");
    assertEquals(302, challenge.statusCode());
    assertEquals(
        "https://" + DOMAIN + ":" + tlsPort + "/api/auth/preview?slug=secure-hidden&return=%2F",
        challenge.location());
    String link =
        new TokenSigner(SECRET, Clock.systemUTC())
            .issuePreview("ada", false, "secure-hidden", Duration.ofMinutes(1));
    Response exchanged =
        send(https, HttpMethod.GET, tlsPort, host, "/__pier/auth?token=" + link + "&return=%2F");
    assertEquals(302, exchanged.statusCode());
    assertTrue(
        exchanged.setCookie() != null && exchanged.setCookie().contains("Secure"),
        exchanged.setCookie());
  }

  @Test
  void theWildcardCertificateVerifiesForEveryHostE2bsSdkUses() {
    var verifying =
        client.createHttpClient(
            new HttpClientOptions()
                .setSsl(true)
                .setVerifyHost(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(certificate.toString())));
    for (String host :
        List.of(
            DOMAIN,
            "api." + DOMAIN,
            "sandbox." + DOMAIN,
            "49983-never-was-000000." + DOMAIN,
            "8000-never-was-000000." + DOMAIN)) {
      Promise<Integer> answered = Promise.promise();
      client.runOnContext(
          v ->
              verifying
                  .request(
                      new RequestOptions()
                          .setServer(SocketAddress.inetSocketAddress(tlsPort, "127.0.0.1"))
                          .setHost(host)
                          .setPort(tlsPort)
                          .setURI("/healthz"))
                  .compose(req -> req.send())
                  .compose(resp -> resp.body().map(body -> resp.statusCode()))
                  .onComplete(answered));
      int status = Mains.await(answered.future(), WAIT);
      assertTrue(status > 0, host);
    }
    assertEquals(
        502,
        get(
                client.createHttpClient(
                    new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)),
                tlsPort,
                "49983-never-was-000000." + DOMAIN,
                "/health")
            .statusCode(),
        "an unknown sandbox over HTTPS: E2B's 502");
  }

  /** A response read whole (the body is taken as it arrives, not after the fact). */
  private record Response(int statusCode, String location, String body, String setCookie) {}

  private static Response get(HttpClient http, int port, String host, String uri) {
    return send(http, HttpMethod.GET, port, host, uri);
  }

  private static Response send(
      HttpClient http, HttpMethod method, int port, String host, String uri, String... headers) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(method)
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI(uri)
            .putHeader("Host", host);
    for (int i = 0; i < headers.length; i += 2) options.putHeader(headers[i], headers[i + 1]);
    // The whole exchange on one Vert.x context: chained from this test thread, the body's future
    // was sometimes asked
    // for on another event loop after the (empty) body had already ended, and never completed.
    Promise<Response> answered = Promise.promise();
    client.runOnContext(
        v ->
            http.request(options)
                .compose(req -> req.send())
                .compose(
                    resp ->
                        resp.body()
                            .map(
                                body ->
                                    new Response(
                                        resp.statusCode(),
                                        resp.getHeader("Location"),
                                        body.toString(),
                                        resp.getHeader("Set-Cookie"))))
                .onComplete(answered));
    return Mains.await(answered.future(), WAIT);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
