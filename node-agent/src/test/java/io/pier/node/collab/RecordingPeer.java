package io.pier.node.collab;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A session as co-editing and presence see it, keeping every event it was sent. */
final class RecordingPeer implements CollabPeer {
  final String id;
  final List<CollabEvent> sent = new CopyOnWriteArrayList<>();
  final List<JsonObject> events = new CopyOnWriteArrayList<>();

  RecordingPeer(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String user() {
    return "user-" + id;
  }

  @Override
  public void send(CollabEvent event) {
    sent.add(event);
    events.add(event.json());
  }

  long count(String event) {
    return events.stream().filter(e -> event.equals(e.getString("event"))).count();
  }
}
