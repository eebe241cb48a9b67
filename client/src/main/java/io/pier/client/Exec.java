package io.pier.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The exec wire ({@code POST /api/repls/<slug>/exec}): one JSON answer, or with {@code Accept: text/event-stream}
 * events {@code start}, {@code stdout}/{@code stderr} (base64 data), {@code dropped}, then {@code exit} or {@code
 * error}.
 */
final class Exec {
  private final Http http;
  private final String slug;

  Exec(Http http, String slug) {
    this.http = http;
    this.slug = slug;
  }

  ExecResult run(ExecRequest request) {
    return result(http.call("POST", path(), request.toJson(http.object())));
  }

  ExecResult stream(ExecRequest request, ExecListener listener) {
    HttpRequest sent =
        http.request(path())
            .header("Accept", "text/event-stream")
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(request.toJson(http.object()).toString()))
            .build();
    try (InputStream body = http.download(sent);
        BufferedReader lines =
            new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String event = "message";
      StringBuilder data = new StringBuilder();
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.isEmpty()) {
          ExecResult end = dispatch(event, data.toString(), listener);
          if (end != null) return end;
          event = "message";
          data.setLength(0);
        } else if (line.startsWith("event:")) event = line.substring(6).strip();
        else if (line.startsWith("data:")) {
          if (data.length() > 0) data.append('\n');
          data.append(line.substring(5).stripLeading());
        }
      }
    } catch (IOException e) {
      throw new PierException("stream_broken", "the command's output stream broke: " + e, e);
    }
    throw new PierException(
        "stream_broken", "the command's output ended before it said how the command ended", null);
  }

  private ExecResult dispatch(String event, String data, ExecListener listener) throws IOException {
    switch (event) {
      case "stdout" -> listener.stdout(Base64.getDecoder().decode(data));
      case "stderr" -> listener.stderr(Base64.getDecoder().decode(data));
      case "dropped" -> listener.dropped(http.mapper().readTree(data).path("bytes").asLong());
      case "exit" -> {
        return result(http.mapper().readTree(data));
      }
      case "error" -> {
        JsonNode error = http.mapper().readTree(data);
        throw new PierException(
            200, error.path("error").asText("exec_failed"), error.path("message").asText());
      }
      default -> {
        // start, and events a later Pier may add
      }
    }
    return null;
  }

  private static ExecResult result(JsonNode json) {
    return new ExecResult(
        json.path("exitCode").asInt(-1),
        json.path("stdout").asText(""),
        json.path("stderr").asText(""),
        json.path("timedOut").asBoolean(false),
        json.path("truncated").asBoolean(false));
  }

  private String path() {
    return Repls.at(slug) + "/exec";
  }
}
