package io.pier.node.collab;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is in one repl and what each has open (docs/protocol.md#presence): every session, its account, a colour of its
 * account's own, the file it shows and its selection there. Every change is sent to every session, at most every
 * {@link #MIN_GAP_MS} (changes in between are sent together), so a fast typist's cursor moves cannot flood the repl.
 * On the repl's context.
 */
public final class ReplPresence {
  /** The shortest time between two presence events of one repl. */
  static final long MIN_GAP_MS = 50;

  /** The most selection ranges a session's presence carries. */
  static final int MAX_RANGES = 16;

  /** Cursor colours: readable on the IDE's dark and light themes alike. */
  private static final List<String> COLORS =
      List.of(
          "#e5484d", "#3e63dd", "#30a46c", "#f76b15", "#8e4ec6", "#12a594", "#d6409f", "#ffb224");

  private record Here(CollabPeer peer, String path, JsonObject selection) {}

  private final Vertx vertx;
  private final Map<String, Here> here = new LinkedHashMap<>();
  private long lastSent;
  private long timer = -1;

  public ReplPresence(Vertx vertx) {
    this.vertx = vertx;
  }

  /** A session joined the repl. */
  public void join(CollabPeer peer) {
    here.put(peer.id(), new Here(peer, null, null));
    changed();
  }

  /** A session left: the others stop showing it. */
  public void leave(CollabPeer peer) {
    if (here.remove(peer.id()) != null) changed();
  }

  /**
   * What {@code peer} shows now: a file (or none) and its selection there.
   *
   * @param selection {@code {version, ranges: [{anchor, head}]}} in the document's coordinates, or null
   */
  public void show(CollabPeer peer, String path, JsonObject selection) {
    if (!here.containsKey(peer.id())) return;
    here.put(peer.id(), new Here(peer, path, selection));
    changed();
  }

  /** The colour of an account: the same in every tab and every repl. */
  public static String colorOf(String user) {
    return COLORS.get(Math.floorMod(user.hashCode(), COLORS.size()));
  }

  /** The presence event as every session gets it now. */
  public JsonObject event() {
    JsonArray users = new JsonArray();
    for (Here h : here.values()) {
      JsonObject u =
          new JsonObject()
              .put("session", h.peer().id())
              .put("user", h.peer().user())
              .put("color", colorOf(h.peer().user()));
      if (h.path() != null) u.put("path", h.path());
      if (h.selection() != null) u.put("selection", h.selection());
      users.add(u);
    }
    return new JsonObject().put("event", "presence").put("users", users);
  }

  private void changed() {
    if (timer >= 0) return;
    long wait = lastSent + MIN_GAP_MS - System.currentTimeMillis();
    if (wait <= 0) {
      send();
    } else {
      timer =
          vertx.setTimer(
              wait,
              t -> {
                timer = -1;
                send();
              });
    }
  }

  private void send() {
    lastSent = System.currentTimeMillis();
    JsonObject event = event();
    for (Here h : List.copyOf(here.values())) h.peer().send(event);
  }

  /** Reads a session's selection, refusing anything but a few numbered ranges. @return null when it is not one */
  public static JsonObject selection(Object value) {
    if (!(value instanceof JsonObject s)) return null;
    if (!(s.getValue("ranges") instanceof JsonArray ranges) || ranges.size() > MAX_RANGES)
      return null;
    JsonArray clean = new JsonArray();
    for (Object r : ranges) {
      if (!(r instanceof JsonObject range)
          || !(range.getValue("anchor") instanceof Number anchor)
          || !(range.getValue("head") instanceof Number head)
          || anchor.intValue() < 0
          || head.intValue() < 0) return null;
      clean.add(new JsonObject().put("anchor", anchor.intValue()).put("head", head.intValue()));
    }
    JsonObject out = new JsonObject().put("ranges", clean);
    if (s.getValue("version") instanceof Number v) out.put("version", v.intValue());
    return out;
  }
}
