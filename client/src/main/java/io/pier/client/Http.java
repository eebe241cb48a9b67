package io.pier.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The wire: every request to Pier goes through here, with the key as bearer token, and every answer that is not a
 * success becomes a {@link PierException} read from Pier's JSON error body. Bodies in both directions are streams;
 * only JSON answers (small by the API's design) are read whole.
 */
final class Http {
  /** An error body longer than this is cut: it is read for its message only. */
  private static final int MAX_ERROR_BODY = 64 * 1024;

  private final HttpClient client;
  private final URI base;
  private final String key;
  private final String host;
  private final Duration timeout;
  private final ObjectMapper json = new ObjectMapper();

  Http(HttpClient client, URI base, String key, String host, Duration timeout) {
    this.client = client;
    String text = base.toString();
    this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    this.key = key;
    this.host = host;
    this.timeout = timeout;
  }

  URI base() {
    return base;
  }

  ObjectMapper mapper() {
    return json;
  }

  ObjectNode object() {
    return json.createObjectNode();
  }

  /** A request for {@code pathAndQuery} (already encoded, starting with {@code /api/}). */
  HttpRequest.Builder request(String pathAndQuery) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(timeout);
    if (key != null) request.header("Authorization", "Bearer " + key);
    if (host != null) request.header("Host", host);
    return request;
  }

  /** Sends a JSON body (or none, when {@code body} is null) and reads the JSON answer (null when it has none). */
  JsonNode call(String method, String pathAndQuery, JsonNode body) {
    HttpRequest.Builder request = request(pathAndQuery).header("Accept", "application/json");
    if (body == null) request.method(method, BodyPublishers.noBody());
    else
      request
          .header("Content-Type", "application/json")
          .method(method, BodyPublishers.ofString(body.toString()));
    return readJson(send(request.build()));
  }

  /** Sends a streamed body and reads the JSON answer. */
  JsonNode upload(String method, String pathAndQuery, BodyPublisher body, String contentType) {
    HttpRequest request =
        request(pathAndQuery)
            .header("Accept", "application/json")
            .header("Content-Type", contentType)
            .method(method, body)
            .build();
    return readJson(send(request));
  }

  /** The answer's body as a stream, for the caller to read and close. */
  InputStream download(HttpRequest request) {
    return send(request).body();
  }

  /** Sends, and throws a {@link PierException} for any status but 2xx (the body is closed then). */
  HttpResponse<InputStream> send(HttpRequest request) {
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new PierException(
          "unreachable", "could not reach Pier at " + base + ": " + reason(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PierException("interrupted", "interrupted while waiting for Pier", e);
    }
    if (response.statusCode() / 100 == 2) return response;
    throw error(response);
  }

  private JsonNode readJson(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      byte[] bytes = in.readAllBytes();
      return bytes.length == 0 ? null : json.readTree(bytes);
    } catch (IOException e) {
      throw new PierException("bad_answer", "Pier's answer was not JSON: " + reason(e), e);
    }
  }

  private PierException error(HttpResponse<InputStream> response) {
    int status = response.statusCode();
    String text;
    try (InputStream in = response.body()) {
      text = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
    } catch (IOException e) {
      text = "";
    }
    return ErrorBody.parse(json, status, text);
  }

  private static String reason(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
