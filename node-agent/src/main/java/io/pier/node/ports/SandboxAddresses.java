package io.pier.node.ports;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Where the sandbox of a repl running here answers on its ports: the address its start read, or else the one its
 * driver gives, asked once per sandbox (a blocking call, run on a worker), each kept by sandbox id, so that a repl
 * started again in a new sandbox is looked up anew. Only an IP address literal that is not this node's own (loopback, unspecified, multicast) is ever used: the
 * node-agent connects to the repl's own sandbox and nowhere else.
 */
public final class SandboxAddresses implements Sandboxes {
  private static final int MAX_KEPT = 10_000;
  private static final Pattern LITERAL =
      Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F]*:[0-9a-fA-F:]+");

  private final Vertx vertx;
  private final Function<String, Optional<RunningSandbox>> sandboxOf;
  private final Function<String, Optional<String>> addressOf;
  private final Map<String, String> kept = new ConcurrentHashMap<>();

  /**
   * @param sandboxOf the sandbox of a repl running here (not blocking)
   * @param addressOf the address of a sandbox by its id (blocking)
   */
  public SandboxAddresses(
      Vertx vertx,
      Function<String, Optional<RunningSandbox>> sandboxOf,
      Function<String, Optional<String>> addressOf) {
    this.vertx = vertx;
    this.sandboxOf = sandboxOf;
    this.addressOf = addressOf;
  }

  @Override
  public boolean runsHere(String slug) {
    return sandboxOf.apply(slug).isPresent();
  }

  @Override
  public Future<Optional<String>> of(String slug) {
    Optional<RunningSandbox> sandbox = sandboxOf.apply(slug);
    if (sandbox.isEmpty()) return Future.succeededFuture(Optional.empty());
    String id = sandbox.get().id();
    String known = kept.get(id);
    if (known != null) return Future.succeededFuture(Optional.of(known));
    Optional<String> started = sandbox.get().startAddress().filter(SandboxAddresses::usable);
    if (started.isPresent()) return Future.succeededFuture(keep(id, started));
    return vertx.executeBlocking(
        () -> keep(id, addressOf.apply(id).filter(SandboxAddresses::usable)), false);
  }

  private Optional<String> keep(String sandboxId, Optional<String> address) {
    address.ifPresent(
        a -> {
          if (kept.size() >= MAX_KEPT) kept.clear();
          kept.put(sandboxId, a);
        });
    return address;
  }

  /** An IP literal (never a name to resolve) of another host than this one. */
  static boolean usable(String address) {
    if (address == null || !LITERAL.matcher(address).matches()) return false;
    try {
      InetAddress ip = InetAddress.getByName(address);
      return !ip.isLoopbackAddress() && !ip.isAnyLocalAddress() && !ip.isMulticastAddress();
    } catch (UnknownHostException notALiteral) {
      return false;
    }
  }
}
