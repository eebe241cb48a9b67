package io.pier.scheduler.e2b;

import io.pier.common.auth.SandboxAccessTokens;
import io.pier.common.repl.Labels;
import io.pier.common.repl.Lifetime;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A repl as E2B's API shows a sandbox ({@code Sandbox}, {@code ListedSandbox}, {@code SandboxDetail} of E2B's
 * {@code spec/openapi.yml}); field names are the wire format the SDKs read.
 */
final class SandboxViews {
  /**
   * The envd version whose behaviour Pier's in-sandbox API follows (docs/e2b.md): the SDKs pick their calls by it
   * (default user from 0.4.0 on, stdin from 0.3.0, recursive watch from 0.1.4).
   */
  static final String ENVD_VERSION = "0.4.0";

  /** E2B's deprecated {@code clientID}: required in its answers, meaningless here. */
  static final String CLIENT_ID = "pier";

  /** {@code endAt} of a repl without a timeout (one made through Pier's own API): it has no end. */
  static final Instant NO_END = Instant.parse("9999-12-31T23:59:59Z");

  private final SandboxAccessTokens access;
  private final String domain;

  /** @param domain where sandboxes' hosts are ({@code PIER_DOMAIN}), for the SDK's {@code <port>-<id>.<domain>} */
  SandboxViews(SandboxAccessTokens access, String domain) {
    this.access = access;
    this.domain = domain;
  }

  /** What create, connect and resume answer: how to reach the sandbox's in-sandbox API. */
  JsonObject sandbox(ReplRecord r) {
    return new JsonObject()
        .put("templateID", r.template())
        .put("sandboxID", r.slug())
        .put("alias", r.template())
        .put("clientID", CLIENT_ID)
        .put("envdVersion", ENVD_VERSION)
        .put("envdAccessToken", accessToken(r))
        .putNull("trafficAccessToken")
        .put("domain", domain);
  }

  /** One sandbox of a list. */
  JsonObject listed(ReplRecord r) {
    return new JsonObject()
        .put("templateID", r.template())
        .put("alias", r.template())
        .put("sandboxID", r.slug())
        .put("clientID", CLIENT_ID)
        .put("startedAt", time(startedAt(r)))
        .put("endAt", time(endAt(r)))
        .put("cpuCount", (int) Math.max(1, Math.ceil(r.limits().cpus())))
        .put("memoryMB", r.limits().memoryMb())
        .put("diskSizeMB", r.limits().diskMb())
        .put("metadata", Labels.toJson(r.labels()))
        .put("state", state(r.state()))
        .put("envdVersion", ENVD_VERSION)
        .put("volumeMounts", new JsonArray());
  }

  /** One sandbox in detail: the list's fields, with its access token and what happens at its timeout. */
  JsonObject detail(ReplRecord r) {
    JsonObject json =
        listed(r)
            .put("envdAccessToken", accessToken(r))
            .put("domain", domain)
            // Every repl reaches the internet (docs/security.md); no per-sandbox egress rules.
            .put("allowInternetAccess", true);
    if (r.lifetime() != null) {
      json.put(
          "lifecycle",
          new JsonObject()
              .put("autoResume", false)
              .put(
                  "onTimeout",
                  r.lifetime().onTimeout() == Lifetime.OnTimeout.DELETE ? "kill" : "pause"));
    }
    return json;
  }

  String accessToken(ReplRecord r) {
    return access.issue(r.slug(), r.createdAt().toEpochMilli());
  }

  /** E2B knows two states: a repl that runs or is starting is running, any other is paused (its files are kept). */
  static String state(ReplState state) {
    return state == ReplState.RUNNING || state == ReplState.STARTING ? "running" : "paused";
  }

  /** When it last started, if it runs; when it was created, if not. */
  static Instant startedAt(ReplRecord r) {
    return r.state() == ReplState.RUNNING ? r.lastActiveAt() : r.createdAt();
  }

  /** When its timeout ends it, as {@link Lifetime#expired} counts. */
  static Instant endAt(ReplRecord r) {
    Lifetime lifetime = r.lifetime();
    if (lifetime == null) return NO_END;
    Instant end = lifetime.deadline();
    if (r.state() == ReplState.RUNNING) {
      Instant sinceStart = r.lastActiveAt().plus(lifetime.timeout());
      if (sinceStart.isAfter(end)) end = sinceStart;
    }
    return end;
  }

  /** RFC 3339 to the millisecond, which every SDK's date parser reads. */
  static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MILLIS).toString();
  }
}
