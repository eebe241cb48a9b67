package io.pier.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A connection to one Pier, acting as the account of a key ({@code pier_<id>_<secret>} from {@code POST /api/keys})
 * or a sign-in token.
 *
 * <pre>{@code
 * PierClient pier = PierClient.connect(URI.create("https://pier.example.com"), key);
 * Repl repl = pier.repls().create(CreateRepl.of("node").label("ci", "1"));
 * repl.uploadArchive(Path.of("my-project"));
 * ExecResult tests = repl.start().exec(List.of("npm", "test"));
 * repl.delete();
 * }</pre>
 */
public final class PierClient {
  private final Http http;

  private PierClient(Http http) {
    this.http = http;
  }

  /** A client of the Pier at {@code base} (its public URL, such as {@code https://pier.example.com}). */
  public static PierClient connect(URI base, String key) {
    return builder(base).key(key).build();
  }

  public static Builder builder(URI base) {
    return new Builder(base);
  }

  /** Creates, lists, starts, stops and deletes repls. */
  public Repls repls() {
    return new Repls(http);
  }

  /** Sharing repls with other accounts. */
  public Collaborators collaborators() {
    return new Collaborators(http);
  }

  /** The account's API keys. */
  public Keys keys() {
    return new Keys(http);
  }

  /** The names of the templates a repl can be created from. */
  public List<String> templates() {
    List<String> names = new ArrayList<>();
    http.call("GET", "/api/templates", null)
        .path("templates")
        .forEach(t -> names.add(t.path("name").asText()));
    return names;
  }

  /** Who the key acts as. */
  public String whoAmI() {
    return http.call("GET", "/api/auth/me", null).path("username").asText();
  }

  public URI base() {
    return http.base();
  }

  /** How a client is made; {@link #connect} is the usual way. */
  public static final class Builder {
    private final URI base;
    private String key;
    private String host;
    private Duration timeout = Duration.ofMinutes(10);
    private HttpClient httpClient;

    private Builder(URI base) {
      this.base = base;
    }

    public Builder key(String key) {
      this.key = key;
      return this;
    }

    /**
     * A {@code Host} header other than the URL's, for a Pier reached by address whose apex is a name the resolver
     * does not know (tests on loopback; needs {@code -Djdk.httpclient.allowRestrictedHeaders=host}).
     */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** How long one request may take, from sending to the end of its answer's headers. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = httpClient;
      return this;
    }

    public PierClient build() {
      HttpClient client =
          httpClient != null
              ? httpClient
              : HttpClient.newBuilder()
                  .connectTimeout(Duration.ofSeconds(10))
                  .followRedirects(HttpClient.Redirect.NEVER)
                  .build();
      return new PierClient(new Http(client, base, key, host, timeout));
    }
  }
}
