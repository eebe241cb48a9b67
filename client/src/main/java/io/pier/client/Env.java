package io.pier.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** A repl's environment variables ({@code /api/repls/<slug>/env}); secrets' values are never answered. */
public final class Env {
  private final Http http;
  private final String slug;

  Env(Http http, String slug) {
    this.http = http;
    this.slug = slug;
  }

  /** One variable; {@code value} is null for a secret. */
  public record Variable(String name, boolean secret, String value) {}

  public List<Variable> list() {
    List<Variable> vars = new ArrayList<>();
    http.call("GET", Repls.at(slug) + "/env", null).path("env").forEach(v -> vars.add(variable(v)));
    return vars;
  }

  /** Sets a variable for every process started in the repl from now on. */
  public Variable set(String name, String value, boolean secret) {
    var body = http.object().put("value", value).put("secret", secret);
    return variable(http.call("PUT", at(name), body));
  }

  public void delete(String name) {
    http.call("DELETE", at(name), null);
  }

  private String at(String name) {
    return Repls.at(slug) + "/env/" + UriPaths.segment(name);
  }

  private static Variable variable(JsonNode json) {
    JsonNode value = json.get("value");
    return new Variable(
        json.path("name").asText(),
        json.path("secret").asBoolean(),
        value == null || value.isNull() ? null : value.asText());
  }
}
