package io.pier.edge;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One HTTP client, with its own pools, per event loop, made on that loop's first request. A client shared by every
 * event loop hands a request on one loop a pooled connection made on another: the request is then written, and its
 * answer read, on the connection's loop and handed back to the request's, a wake-up and a thread switch each way for
 * every request (the edge's preview path spent several times nginx's CPU per request; docs/benchmarks.md, "Edge").
 * With a client per loop, a request and its connection to the origin share one thread from end to end.
 *
 * <p>The bounds stay what operators configured, split between the loops: {@code perLoop} gives each loop's share.
 * Requests made off an event loop (none on the preview path) use a client of their own.
 */
final class EventLoopClients {
  private final Supplier<HttpClient> make;
  private final Map<Thread, HttpClient> byLoop = new ConcurrentHashMap<>();
  private final HttpClient offLoop;

  EventLoopClients(Supplier<HttpClient> make) {
    this.make = make;
    this.offLoop = make.get();
  }

  /** The client of the calling event loop. */
  HttpClient current() {
    Context context = Vertx.currentContext();
    if (context == null || !context.isEventLoopContext()) return offLoop;
    return byLoop.computeIfAbsent(Thread.currentThread(), loop -> make.get());
  }

  /** A bound split between {@code loops} event loops: each gets an even share, at least {@code floor}. */
  static int perLoop(int bound, int loops, int floor) {
    return Math.max(floor, (bound + loops - 1) / loops);
  }

  Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    closing.add(offLoop.close());
    for (HttpClient client : byLoop.values()) closing.add(client.close());
    return Future.join(closing).mapEmpty();
  }
}
