package io.pier.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The listener on {@link FleetOnNamespaces}'s outsider host: a stand-in for anything on the internet that a repl may
 * reach. Run as its own process in the outsider's namespace: {@code OutsiderListener <address> <port>}. It answers
 * every connection with one line and closes it.
 */
public final class OutsiderListener {
  private OutsiderListener() {}

  public static void main(String[] args) throws IOException {
    try (ServerSocket server =
        new ServerSocket(Integer.parseInt(args[1]), 50, InetAddress.getByName(args[0]))) {
      while (true) {
        try (Socket client = server.accept();
            OutputStream out = client.getOutputStream()) {
          out.write("outsider\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException dropped) {
          // a probe that hung up first: serve the next
        }
      }
    }
  }
}
