package io.pier.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The account's repls ({@code /api/repls}). */
public final class Repls {
  private final Http http;

  Repls(Http http) {
    this.http = http;
  }

  public Repl create(CreateRepl what) {
    return repl(http.call("POST", "/api/repls", what.toJson(http.object())));
  }

  /** The repls that have every label given ({@code name=value}, or {@code name} for any value), newest first. */
  public List<Repl> list(String... labelSelectors) {
    return listed("/api/repls" + query(null, labelSelectors));
  }

  /**
   * The repls other accounts shared with this one that have every label given; each one's {@link Repl#role} says as
   * what.
   */
  public List<Repl> shared(String... labelSelectors) {
    return listed("/api/repls" + query("scope=shared", labelSelectors));
  }

  public Repl get(String slug) {
    return repl(http.call("GET", at(slug), null));
  }

  /** Starts the repl; returns once it runs. */
  public Repl start(String slug) {
    return repl(http.call("POST", at(slug) + "/start", null));
  }

  public Repl stop(String slug) {
    return repl(http.call("POST", at(slug) + "/stop", null));
  }

  /**
   * Forks the repl into a new, stopped one of this account's: same template, limits and visibility, a copy of its
   * stored files, never its secrets.
   *
   * @param title the fork's title; null: the original's with " (fork)"
   */
  public Repl fork(String slug, String title) {
    ObjectNode body = http.object();
    if (title != null) body.put("title", title);
    return repl(http.call("POST", at(slug) + "/fork", body));
  }

  /** Stops the repl and deletes everything it had. */
  public void delete(String slug) {
    http.call("DELETE", at(slug), null);
  }

  /** Turns the repl's fork link on (any signed-in account may fork it) or off (only those it is shared with). */
  public Repl forkable(String slug, boolean forkable) {
    return repl(http.call("PATCH", at(slug), http.object().put("forkable", forkable)));
  }

  /** Replaces the repl's labels. */
  public Repl labels(String slug, Map<String, String> labels) {
    ObjectNode body = http.object();
    ObjectNode names = body.putObject("labels");
    labels.forEach(names::put);
    return repl(http.call("PATCH", at(slug), body));
  }

  /** Sets the repl's timeout from now ({@code null}: none). */
  public Repl timeout(String slug, Duration timeout, boolean deleteOnTimeout) {
    ObjectNode body = http.object();
    if (timeout == null) body.putNull("timeoutS");
    else {
      body.put("timeoutS", timeout.toSeconds());
      body.put("onTimeout", deleteOnTimeout ? "delete" : "stop");
    }
    return repl(http.call("POST", at(slug) + "/timeout", body));
  }

  private List<Repl> listed(String pathAndQuery) {
    List<Repl> repls = new ArrayList<>();
    http.call("GET", pathAndQuery, null).path("repls").forEach(r -> repls.add(repl(r)));
    return repls;
  }

  /** {@code ?first&label=...}, or "" for neither; each selector's name and value encoded apart. */
  private static String query(String first, String... labelSelectors) {
    StringBuilder query = new StringBuilder(first == null ? "" : "?" + first);
    for (String selector : labelSelectors) {
      query.append(query.length() == 0 ? '?' : '&').append("label=");
      int equals = selector.indexOf('=');
      if (equals < 0) query.append(UriPaths.segment(selector));
      else
        query
            .append(UriPaths.segment(selector.substring(0, equals)))
            .append('=')
            .append(UriPaths.segment(selector.substring(equals + 1)));
    }
    return query.toString();
  }

  static String at(String slug) {
    return "/api/repls/" + UriPaths.segment(slug);
  }

  private Repl repl(JsonNode json) {
    return new Repl(http, json);
  }
}
