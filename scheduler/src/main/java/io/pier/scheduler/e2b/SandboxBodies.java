package io.pier.scheduler.e2b;

import io.pier.common.http.ApiException;
import io.pier.common.repl.EnvVar;
import io.pier.common.repl.Labels;
import io.pier.common.repl.Lifetime;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads E2B's request bodies ({@code NewSandbox}, {@code ConnectSandbox}, {@code ResumedSandbox},
 * {@code SandboxTimeoutRequest}), each value checked; a bad one is an {@link ApiException} 400 naming it. Fields Pier
 * cannot honour (egress rules, MCP, workload identity, volumes, auto-resume) are refused rather than ignored, so that
 * nobody believes a sandbox is fenced in when it is not; fields this version does not know are ignored, as E2B's own
 * API does.
 */
final class SandboxBodies {
  /** E2B's default timeout when a body has none ({@code NewSandbox.timeout}, {@code ResumedSandbox.timeout}). */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

  private SandboxBodies() {}

  /**
   * What {@code POST /sandboxes} asks for.
   *
   * @param onTimeout delete (E2B's kill, its default) or stop (E2B's {@code autoPause})
   */
  record NewSandbox(
      String template,
      Duration timeout,
      Lifetime.OnTimeout onTimeout,
      Map<String, String> metadata,
      Map<String, String> envVars) {}

  static NewSandbox newSandbox(JsonObject body) {
    if (!(body.getValue("templateID") instanceof String template) || template.isBlank()) {
      throw ApiException.badRequest("invalid_request", "templateID must name a template");
    }
    if (Boolean.FALSE.equals(body.getValue("allow_internet_access"))) {
      throw unsupported(
          "allow_internet_access: false (a sandbox without internet): every Pier sandbox reaches the internet");
    }
    if (body.getValue("mcp") != null) throw unsupported("mcp (the MCP gateway)");
    if (notEmpty(body.getValue("iam"), "tokens")) throw unsupported("iam (workload identity)");
    if (body.getValue("volumeMounts") instanceof JsonArray mounts && !mounts.isEmpty()) {
      throw unsupported("volumeMounts (volumes)");
    }
    if (body.getValue("autoResume") instanceof JsonObject resume
        && Boolean.TRUE.equals(resume.getValue("enabled"))) {
      throw unsupported(
          "autoResume (waking a paused sandbox on traffic); resume it with connect instead");
    }
    network(body.getValue("network"));
    Object autoPause = body.getValue("autoPause");
    if (autoPause != null && !(autoPause instanceof Boolean)) {
      throw ApiException.badRequest("invalid_request", "autoPause must be true or false");
    }
    return new NewSandbox(
        template,
        timeout(body, DEFAULT_TIMEOUT),
        Boolean.TRUE.equals(autoPause) ? Lifetime.OnTimeout.STOP : Lifetime.OnTimeout.DELETE,
        metadata(body.getValue("metadata")),
        envVars(body.getValue("envVars")));
  }

  /**
   * A body's {@code timeout} in seconds, from 1 s to Pier's longest, 30 days.
   *
   * @param absent what a body without one gets; null: it must have one
   */
  static Duration timeout(JsonObject body, Duration absent) {
    Object value = body == null ? null : body.getValue("timeout");
    if (value == null) {
      if (absent != null) return absent;
      throw ApiException.badRequest("invalid_timeout", "timeout (seconds) is required");
    }
    long max = Lifetime.MAX_TIMEOUT.toSeconds();
    if (value instanceof Number n
        && n.doubleValue() == Math.rint(n.doubleValue())
        && n.longValue() >= 1
        && n.longValue() <= max) {
      return Duration.ofSeconds(n.longValue());
    }
    throw ApiException.badRequest(
        "invalid_timeout",
        "timeout must be a whole number of seconds from 1 to " + max + ", got " + value);
  }

  /** Only what every Pier sandbox is anyway passes: public traffic allowed, no egress rules, no proxy. */
  private static void network(Object value) {
    if (value == null) return;
    if (!(value instanceof JsonObject network)) {
      throw ApiException.badRequest("invalid_request", "network must be an object");
    }
    for (String field : network.fieldNames()) {
      Object setting = network.getValue(field);
      boolean asPierIs =
          setting == null
              || (field.equals("allowPublicTraffic") && Boolean.TRUE.equals(setting))
              || (setting instanceof JsonArray list && list.isEmpty());
      if (!asPierIs) throw unsupported("network." + field + " (per-sandbox network rules)");
    }
  }

  private static Map<String, String> metadata(Object value) {
    if (value == null) return Map.of();
    if (!(value instanceof JsonObject json)) {
      throw ApiException.badRequest(
          "invalid_metadata", "metadata must be an object of keys to string values");
    }
    try {
      return Labels.fromJson(json);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_metadata", "metadata: " + e.getMessage());
    }
  }

  private static Map<String, String> envVars(Object value) {
    if (value == null) return Map.of();
    if (!(value instanceof JsonObject json)) {
      throw ApiException.badRequest(
          "invalid_env_vars", "envVars must be an object of names to string values");
    }
    if (json.size() > EnvVar.MAX_VARS) {
      throw ApiException.badRequest(
          "invalid_env_vars",
          "a sandbox has at most " + EnvVar.MAX_VARS + " envVars, got " + json.size());
    }
    Map<String, String> vars = new LinkedHashMap<>();
    for (String name : json.fieldNames()) {
      if (!(json.getValue(name) instanceof String text)) {
        throw ApiException.badRequest("invalid_env_vars", "envVars." + name + " must be a string");
      }
      try {
        EnvVar.checkName(name);
        EnvVar.checkValue(text);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("invalid_env_vars", "envVars: " + e.getMessage());
      }
      vars.put(name, text);
    }
    return vars;
  }

  private static boolean notEmpty(Object value, String field) {
    if (value == null) return false;
    if (value instanceof JsonObject json) {
      Object inner = json.getValue(field);
      return inner != null && !(inner instanceof JsonObject o && o.isEmpty());
    }
    return true;
  }

  static ApiException unsupported(String what) {
    return ApiException.badRequest("unsupported", "Pier does not support " + what);
  }
}
