package io.pier.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for Pier on loopback (the JDK's HttpServer): answers scripted per {@code "METHOD /path?query"}, and
 * records every request it got, with its body, to check the shapes the client sends.
 */
public final class FakePier implements AutoCloseable {
  /** One request as received. */
  public record Request(
      String method, String target, Map<String, List<String>> headers, byte[] body) {
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public String header(String name) {
      List<String> values = headers.get(name);
      return values == null ? null : values.get(0);
    }
  }

  /** A scripted answer. */
  public record Answer(int status, String contentType, byte[] body) {
    public static Answer json(int status, String json) {
      return new Answer(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }
  }

  private final HttpServer server;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  public FakePier() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public FakePier answer(String methodAndTarget, Answer answer) {
    answers.put(methodAndTarget, answer);
    return this;
  }

  public FakePier answer(String methodAndTarget, int status, String json) {
    return answer(methodAndTarget, Answer.json(status, json));
  }

  public List<Request> requests() {
    return requests;
  }

  public Request last() {
    return requests.get(requests.size() - 1);
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String target = exchange.getRequestURI().getRawPath();
    if (exchange.getRequestURI().getRawQuery() != null)
      target += "?" + exchange.getRequestURI().getRawQuery();
    requests.add(
        new Request(
            exchange.getRequestMethod(), target, Map.copyOf(exchange.getRequestHeaders()), body));
    Answer answer = answers.get(exchange.getRequestMethod() + " " + target);
    if (answer == null)
      answer =
          Answer.json(404, "{\"error\":\"not_found\",\"message\":\"no route " + target + "\"}");
    exchange.getResponseHeaders().set("Content-Type", answer.contentType());
    exchange.sendResponseHeaders(
        answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(answer.body());
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
