package io.pier.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** Commands started in the background in one repl ({@code /api/repls/<slug>/processes}). */
public final class Processes {
  private final Http http;
  private final String slug;

  Processes(Http http, String slug) {
    this.http = http;
    this.slug = slug;
  }

  /** Each process as Pier describes it: {@code id}, {@code cmd}, {@code state}, {@code exitCode} once ended. */
  public List<JsonNode> list() {
    List<JsonNode> processes = new ArrayList<>();
    http.call("GET", path(), null).path("processes").forEach(processes::add);
    return processes;
  }

  /** The process's recent output, as a stream to read and close. */
  public InputStream output(String id) {
    return http.download(http.request(path() + "/" + UriPaths.segment(id) + "/output").build());
  }

  /** Kills the process. */
  public void kill(String id) {
    http.call("DELETE", path() + "/" + UriPaths.segment(id), null);
  }

  private String path() {
    return Repls.at(slug) + "/processes";
  }
}
