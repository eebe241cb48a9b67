package io.pier.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One repl as Pier last described it, and what can be done with it. */
public final class Repl {
  private final Http http;
  private final JsonNode json;

  Repl(Http http, JsonNode json) {
    this.http = http;
    this.json = json;
  }

  public String slug() {
    return json.path("slug").asText();
  }

  public String template() {
    return json.path("template").asText();
  }

  /** The account that owns it. */
  public String owner() {
    return json.path("owner").asText(null);
  }

  /**
   * What this account may do with it, as Pier answers: {@code owner} (administrators too), {@code editor} or
   * {@code viewer}; null when Pier did not say.
   */
  public String role() {
    return json.path("role").asText(null);
  }

  /** {@code stopped}, {@code starting}, {@code running}, … as Pier said when this was read. */
  public String state() {
    return json.path("state").asText();
  }

  public String ideUrl() {
    return json.path("ideUrl").asText(null);
  }

  public String previewUrl() {
    return json.path("previewUrl").asText(null);
  }

  public Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    json.path("labels")
        .fields()
        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  /** Pier's JSON description, for fields this class does not name. */
  public JsonNode json() {
    return json;
  }

  /** Starts it (if it is not running) and returns it as it is then. */
  public Repl start() {
    return new Repls(http).start(slug());
  }

  public Repl stop() {
    return new Repls(http).stop(slug());
  }

  public void delete() {
    new Repls(http).delete(slug());
  }

  /** A new, stopped repl of this account's with a copy of this one's stored files (never its secrets). */
  public Repl fork() {
    return new Repls(http).fork(slug(), null);
  }

  /** Runs a command to its end and returns its exit code and output. */
  public ExecResult exec(List<String> cmd) {
    return exec(ExecRequest.of(cmd));
  }

  public ExecResult exec(ExecRequest request) {
    return new Exec(http, slug()).run(request);
  }

  /** Runs a command, handing its output to {@code listener} as it comes; returns at its end. */
  public ExecResult exec(ExecRequest request, ExecListener listener) {
    return new Exec(http, slug()).stream(request, listener);
  }

  /** Processes started in the background ({@code /processes}). */
  public Processes processes() {
    return new Processes(http, slug());
  }

  public ReplFiles files() {
    return new ReplFiles(http, slug());
  }

  public Env env() {
    return new Env(http, slug());
  }

  /** Uploads the local folder's files and folders into the repl's workspace, as a tar made while it is sent. */
  public ArchiveResult uploadArchive(Path folder) {
    return files().uploadArchive(folder, "");
  }

  /** Downloads the repl's folder ({@code ""}: the workspace) as a tar and extracts it into {@code targetDir}. */
  public TarReader.Extracted downloadArchive(String remoteFolder, Path targetDir) {
    return files().downloadArchive(remoteFolder, targetDir);
  }

  @Override
  public String toString() {
    return slug() + " (" + template() + ", " + state() + ")";
  }
}
