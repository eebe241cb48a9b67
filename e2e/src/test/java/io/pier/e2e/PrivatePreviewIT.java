package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.config.Mains;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Private previews and the Origin check against a whole Pier on loopback (real scheduler, node-agent, containers and
 * edge-proxy): browsers are played by a small client with a cookie jar per host that follows redirects, so the
 * hand-over between the preview host and the apex runs exactly as a browser would run it.
 */
class PrivatePreviewIT {
  private static final String GREETING = "Hello from Pier on Node.js";
  private static final String APP_PATH = "/";
  private static PierOnLoopback pier;
  private static Vertx vertx;
  private static Browser owner;
  private static String ownerName;
  private static String ownerToken;

  @BeforeAll
  static void startPier() throws Exception {
    PierOnLoopback.Options fresh = PierOnLoopback.Options.fresh();
    // Waking on: a stopped private repl must still wake for its owner, and only for them.
    pier =
        new PierOnLoopback(
            new PierOnLoopback.Options(
                fresh.dataDir(),
                fresh.nodeProcess(),
                fresh.quietMs(),
                fresh.nodes(),
                fresh.schedulers(),
                fresh.idleStop(),
                true));
    vertx = Vertx.vertx();
    owner = new Browser();
    ownerName = "owner-" + UUID.randomUUID().toString().substring(0, 6);
    ownerToken = owner.signUp(ownerName);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (vertx != null) Mains.await(vertx.close(), Duration.ofSeconds(10));
    } finally {
      if (pier != null) pier.close();
    }
  }

  @Test
  void aPrivatePreviewOpensToItsOwnerThroughTheSignInRedirectsAndToNobodyElse() throws Exception {
    String slug = owner.createAndStart(false);
    assertEquals(200, curl(slug, null).statusCode(), "public by default: anyone may look");
    owner.setVisibility(slug, "private");

    Browser anonymous = new Browser();
    HttpResponse<String> first = anonymous.get(previewUrl(slug) + "page?x=1");
    assertEquals(302, first.statusCode());
    assertEquals(
        apex() + "/api/auth/preview?slug=" + slug + "&return=%2Fpage%3Fx%3D1",
        first.headers().firstValue("Location").orElseThrow(),
        "a browser is sent to the apex, which knows who it is");
    Visit signIn = anonymous.follow(previewUrl(slug));
    assertEquals(200, signIn.response().statusCode());
    assertEquals("/", signIn.url().getPath(), "signed out, it lands on the sign-in page");
    assertTrue(
        signIn.url().getRawQuery().startsWith("next=%2Fapi%2Fauth%2Fpreview%3Fslug%3D" + slug),
        signIn.url().toString());

    HttpResponse<String> curl = curl(slug, null);
    assertEquals(401, curl.statusCode(), "a client that is not a browser gets no redirect");
    assertEquals("unauthenticated", new JsonObject(curl.body()).getString("error"));

    Browser stranger = new Browser();
    stranger.signUp("stranger-" + UUID.randomUUID().toString().substring(0, 6));
    Visit refused = stranger.follow(previewUrl(slug));
    assertEquals(403, refused.response().statusCode());
    assertTrue(
        refused.response().body().contains("This preview is private"), refused.response().body());
    assertFalse(refused.response().body().contains(GREETING));

    Visit opened = owner.follow(previewUrl(slug));
    assertEquals(200, opened.response().statusCode(), opened.hops().toString());
    assertTrue(opened.response().body().contains(GREETING), opened.response().body());
    assertEquals(
        List.of(
            previewUrl(slug),
            apex() + "/api/auth/preview",
            previewUrl(slug) + "__pier/auth",
            previewUrl(slug)),
        opened.hops().stream().map(PrivatePreviewIT::withoutQuery).toList());
    String previewCookie = owner.cookie(slug + "." + PierOnLoopback.DOMAIN, "pier_preview");
    assertNotNull(previewCookie, "the preview host has its own cookie");
    assertNull(owner.cookie(PierOnLoopback.DOMAIN, "pier_preview"), "the apex never gets it");
    assertEquals(
        200, owner.get(previewUrl(slug)).statusCode(), "afterwards the cookie alone opens it");
    assertEquals(
        200, curl(slug, ownerToken).statusCode(), "the owner's API token opens it for curl");

    owner.setVisibility(slug, "public");
    assertEquals(200, curl(slug, null).statusCode(), "public again: open to all");
  }

  @Test
  void aPreviewTokenOpensNeitherTheApiNorAnotherReplsPreview() throws Exception {
    String a = owner.createAndStart(true);
    String b = owner.create(true);
    assertEquals(200, owner.follow(previewUrl(a)).response().statusCode());
    String scoped = owner.cookie(a + "." + PierOnLoopback.DOMAIN, "pier_preview");

    assertEquals(401, api("GET", "/api/repls", scoped, null).statusCode(), "not an API token");
    assertEquals(401, api("GET", "/api/auth/me", scoped, null).statusCode());
    HttpResponse<String> asCookie =
        send(
            HttpRequest.newBuilder(URI.create(apexBase() + "/api/repls"))
                .header("Host", apexHost())
                .header("Cookie", "pier_token=" + scoped));
    assertEquals(401, asCookie.statusCode(), "nor as the sign-in cookie");

    HttpResponse<String> other =
        send(
            HttpRequest.newBuilder(URI.create(apexBase() + "/"))
                .header("Host", b + "." + apexHost())
                .header("Cookie", "pier_preview=" + scoped));
    assertEquals(401, other.statusCode(), "the cookie of " + a + " is useless on " + b);
    assertEquals("stopped", state(b), "and nobody woke " + b + " for it");
  }

  @Test
  void aStoppedPrivateReplWakesForItsOwnerOnly() throws Exception {
    String slug = owner.createAndStart(true);
    assertEquals(200, owner.follow(previewUrl(slug)).response().statusCode());
    owner.post("/api/repls/" + slug + "/stop", "");
    assertEquals("stopped", state(slug));

    assertEquals(401, curl(slug, null).statusCode());
    assertEquals("stopped", state(slug), "a stranger's request does not wake a private repl");

    HttpResponse<String> woken = owner.get(previewUrl(slug));
    assertEquals(200, woken.statusCode(), woken.body());
    assertTrue(woken.body().contains(GREETING));
    assertEquals("running", state(slug));
  }

  @Test
  void visibilityIsStoredWithTheReplSoARebuiltRegistryKeepsIt() throws Exception {
    String slug = owner.create(true);
    String stored =
        new String(
            pier.store.get("repls/" + slug + "/repl.json").orElseThrow(), StandardCharsets.UTF_8);
    assertEquals("private", new JsonObject(stored).getString("visibility"));
    owner.setVisibility(slug, "public");
    stored =
        new String(
            pier.store.get("repls/" + slug + "/repl.json").orElseThrow(), StandardCharsets.UTF_8);
    assertEquals("public", new JsonObject(stored).getString("visibility"));
  }

  @Test
  void aPreviewsPageCannotUseTheOwnersCookieOnTheApex() throws Exception {
    String slug = owner.createAndStart(false);
    String previewOrigin = "http://" + slug + "." + apexHost();

    HttpResponse<String> forged =
        owner.request(
            "POST",
            apexBase() + "/api/repls/" + slug + "/stop",
            HttpRequest.BodyPublishers.ofString("x"),
            "Origin",
            previewOrigin,
            "Content-Type",
            "text/plain");
    assertEquals(403, forged.statusCode(), forged.body());
    assertEquals("forbidden_origin", new JsonObject(forged.body()).getString("error"));
    assertEquals("running", state(slug), "the stop never happened");

    Throwable hijack = session(slug, previewOrigin);
    assertNotNull(hijack, "a preview's page must not open the IDE session");
    assertTrue(hijack.getMessage().contains("403"), hijack.getMessage());
    assertNull(session(slug, "http://" + apexHost()), "the IDE's own page opens it");
    assertNull(session(slug, null), "and so does a client that sends no Origin");
  }

  // ---- helpers ----

  /** Opens the IDE session with the owner's cookie, as a page of {@code origin} would; the refusal, or null. */
  private static Throwable session(String slug, String origin) throws Exception {
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(pier.edgePort)
            .setURI("/api/repls/" + slug + "/session")
            .putHeader("Host", apexHost())
            .putHeader("Cookie", "pier_token=" + owner.cookie(PierOnLoopback.DOMAIN, "pier_token"));
    if (origin != null) options.putHeader("Origin", origin);
    else options.setAllowOriginHeader(false);
    // Held until the answer is in: Vert.x closes a client the garbage collector finds unreferenced.
    WebSocketClient client = vertx.createWebSocketClient();
    try {
      return Mains.await(
          client
              .connect(options)
              .compose(WebSocket::close)
              .map(v -> (Throwable) null)
              .recover(Future::succeededFuture),
          Duration.ofSeconds(30));
    } finally {
      client.close();
    }
  }

  private static String withoutQuery(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  private static String apexHost() {
    return PierOnLoopback.DOMAIN + ":" + pier.edgePort;
  }

  /** The apex as browsers see it. */
  private static String apex() {
    return "http://" + apexHost();
  }

  /** Where requests really go: the edge-proxy on loopback (the Host header says which site). */
  private static String apexBase() {
    return "http://127.0.0.1:" + pier.edgePort;
  }

  private static String previewUrl(String slug) {
    return "http://" + slug + "." + apexHost() + "/";
  }

  /** A client that is not a browser: no Accept: text/html, no cookies, maybe a bearer token. */
  private static HttpResponse<String> curl(String slug, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(apexBase() + APP_PATH))
            .header("Host", slug + "." + apexHost());
    if (token != null) b.header("Authorization", "Bearer " + token);
    return send(b);
  }

  private static String state(String slug) throws Exception {
    return new JsonObject(api("GET", "/api/repls/" + slug, pier.adminToken, null).body())
        .getString("state");
  }

  private static HttpResponse<String> api(String method, String path, String token, String json)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(apexBase() + path))
            .header("Host", apexHost())
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    return send(b);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            request.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A page reached by following redirects: every URL on the way, the last one first asked for last. */
  private record Visit(List<String> hops, URI url, HttpResponse<String> response) {}

  /**
   * What a browser does that matters here: host-only cookies per host (ports aside, as browsers keep them), the
   * Accept header of a navigation, the page's Origin on the API calls it makes, and redirects followed.
   */
  private static final class Browser {
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, Map<String, String>> jar = new HashMap<>();

    /** Signs up through the API as the sign-in card does; returns the token of the answer. */
    String signUp(String username) throws Exception {
      HttpResponse<String> r =
          post(
              "/api/auth/signup",
              new JsonObject()
                  .put("username", username)
                  .put("password", "a long password")
                  .encode());
      assertEquals(201, r.statusCode(), r.body());
      assertNotNull(cookie(PierOnLoopback.DOMAIN, "pier_token"));
      return new JsonObject(r.body()).getString("token");
    }

    String create(boolean hidden) throws Exception {
      JsonObject body = new JsonObject().put("template", "node");
      if (hidden) body.put("visibility", "private");
      HttpResponse<String> r = post("/api/repls", body.encode());
      assertEquals(201, r.statusCode(), r.body());
      JsonObject repl = new JsonObject(r.body());
      assertEquals(hidden ? "private" : "public", repl.getString("visibility"));
      return repl.getString("slug");
    }

    String createAndStart(boolean hidden) throws Exception {
      String slug = create(hidden);
      HttpResponse<String> started = post("/api/repls/" + slug + "/start", "");
      assertEquals(200, started.statusCode(), started.body());
      return slug;
    }

    void setVisibility(String slug, String visibility) throws Exception {
      HttpResponse<String> r =
          request(
              "PATCH",
              apexBase() + "/api/repls/" + slug,
              HttpRequest.BodyPublishers.ofString(
                  new JsonObject().put("visibility", visibility).encode()),
              "Content-Type",
              "application/json",
              "Origin",
              apex());
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(visibility, new JsonObject(r.body()).getString("visibility"));
    }

    /** A fetch of the IDE's own page: JSON, with the apex's Origin, as Chromium sends it. */
    HttpResponse<String> post(String path, String json) throws Exception {
      return request(
          "POST",
          apexBase() + path,
          HttpRequest.BodyPublishers.ofString(json),
          "Content-Type",
          "application/json",
          "Origin",
          apex());
    }

    /** A navigation to {@code url}, without following a redirect. */
    HttpResponse<String> get(String url) throws Exception {
      return request(
          "GET",
          url,
          HttpRequest.BodyPublishers.noBody(),
          "Accept",
          "text/html,application/xhtml+xml");
    }

    /** A navigation to {@code url}, following redirects as a browser does. */
    Visit follow(String url) throws Exception {
      List<String> hops = new ArrayList<>();
      URI at = URI.create(url);
      for (int i = 0; i < 10; i++) {
        hops.add(at.toString());
        HttpResponse<String> r = get(at.toString());
        String location = r.headers().firstValue("Location").orElse(null);
        if (r.statusCode() / 100 != 3 || location == null) return new Visit(hops, at, r);
        at = at.resolve(location);
      }
      throw new AssertionError("too many redirects: " + hops);
    }

    /**
     * A request to {@code url} as the browser would send it there: to the edge-proxy with the URL's host as Host,
     * and that host's cookies.
     */
    HttpResponse<String> request(
        String method, String url, HttpRequest.BodyPublisher body, String... headers)
        throws Exception {
      URI target = URI.create(url);
      String host = target.getHost().equals("127.0.0.1") ? PierOnLoopback.DOMAIN : target.getHost();
      HttpRequest.Builder b =
          HttpRequest.newBuilder(
                  URI.create(
                      apexBase()
                          + target.getRawPath()
                          + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery())))
              .header("Host", host + ":" + pier.edgePort)
              .timeout(Duration.ofSeconds(120))
              .method(method, body);
      for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
      Map<String, String> cookies = jar.getOrDefault(host, Map.of());
      if (!cookies.isEmpty()) {
        b.header(
            "Cookie",
            String.join(
                "; ",
                cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      for (String set : r.headers().allValues("Set-Cookie")) {
        String pair = set.split(";", 2)[0];
        int eq = pair.indexOf('=');
        assertFalse(
            set.toLowerCase(Locale.ROOT).contains("domain="),
            "Pier's cookies are host-only: " + set);
        Map<String, String> forHost = jar.computeIfAbsent(host, h -> new HashMap<>());
        if (set.contains("Max-Age=0")) {
          forHost.remove(pair.substring(0, eq));
        } else {
          forHost.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
      return r;
    }

    String cookie(String host, String name) {
      return jar.getOrDefault(host, Map.of()).get(name);
    }
  }
}
