// A Java web server using only the JDK (com.sun.net.httpserver): edit, then press Run.
// `java Main.java` compiles and runs this file in one step; no build tool needed.
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executors;

public class Main {
  private static final Instant STARTED = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
    HttpServer server = HttpServer.create(new InetSocketAddress("0.0.0.0", port), 0);
    server.createContext("/", Main::handle);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    System.out.println("Listening on http://0.0.0.0:" + port);
    // Stop promptly when the run is stopped.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
  }

  private static void handle(HttpExchange exchange) throws IOException {
    System.out.println(Instant.now() + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI());
    boolean root = exchange.getRequestURI().getPath().equals("/");
    byte[] body = (root ? page() : "Not found\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", root ? "text/html; charset=utf-8" : "text/plain");
    exchange.sendResponseHeaders(root ? 200 : 404, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static String page() {
    return """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>Hello from Pier</title>
          <style>
            body { margin: 0; min-height: 100vh; display: grid; place-items: center;
                   font-family: system-ui, sans-serif; background: #0f172a; color: #e2e8f0; }
            main { text-align: center; padding: 2rem; }
            h1 { font-size: 2.5rem; margin: 0 0 .5rem; }
            p { color: #94a3b8; }
            code { background: #1e293b; padding: .15rem .4rem; border-radius: .25rem; }
          </style>
        </head>
        <body>
          <main>
            <h1>Hello from Pier on Java</h1>
            <p>Edit <code>Main.java</code> and run it again to see your changes.</p>
            <p>Java %s &middot; up since %s</p>
          </main>
        </body>
        </html>
        """.formatted(Runtime.version(), STARTED);
  }
}
