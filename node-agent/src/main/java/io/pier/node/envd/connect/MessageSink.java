package io.pier.node.envd.connect;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Where a server-streaming method writes its messages (each one Connect envelope of JSON on the wire). Bounded: a
 * method that produces faster than the caller reads waits on {@link #send}'s future (or drops, saying so), never
 * queues without limit. Ends once, by {@link #end} or {@link #fail}; after the caller went away every send fails.
 */
public interface MessageSink {
  /** Writes one message; completes when the transport took it (back-pressure), fails once the call is gone. */
  Future<Void> send(JsonObject message);

  /** Whether the transport's write queue is full now (the caller reads slower than the method writes). */
  boolean full();

  /** Ends the stream without error. */
  void end();

  /** Ends the stream with an error (its code and message go to the caller in the end-of-stream message). */
  void fail(ConnectException error);

  /** Runs {@code action} once when the call ends, however it ends (caller gone, end, fail). */
  void onClose(Runnable action);
}
