package io.pier.node.collab;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is in one repl and what each has open (docs/protocol.md#presence): every session, its account, a colour of its
 * account's own, the file it shows and its selection there. Every change is sent to every session, changes in between
 * two events sent together, so a fast typist's cursor moves cannot flood the repl. What that costs stays bounded
 * however many sessions a repl has (a class watching one repl): an event lists at most {@link #MAX_LISTED} sessions and
 * is encoded once for all, and the gap between two events grows with the sessions it goes to ({@link #gapMs}). On the
 * repl's context.
 */
public final class ReplPresence {
  /** The shortest time between two presence events of one repl. */
  static final long MIN_GAP_MS = 50;

  /** The gap grows by {@link #MIN_GAP_MS} for every this many sessions the events go to. */
  static final int SESSIONS_PER_GAP = 16;

  /**
   * The most sessions an event lists (those showing a file first, then in the order they came); its {@code count}
   * says how many are here. More cursors than this in one file help nobody, and each listed one is sent to everyone.
   */
  static final int MAX_LISTED = 32;

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
      if (users.size() < MAX_LISTED && h.path() != null) users.add(listed(h));
    }
    for (Here h : here.values()) {
      if (users.size() < MAX_LISTED && h.path() == null) users.add(listed(h));
    }
    return new JsonObject().put("event", "presence").put("users", users).put("count", here.size());
  }

  private static JsonObject listed(Here h) {
    JsonObject u =
        new JsonObject()
            .put("session", h.peer().id())
            .put("user", h.peer().user())
            .put("color", colorOf(h.peer().user()));
    if (h.path() != null) u.put("path", h.path());
    if (h.selection() != null) u.put("selection", h.selection());
    return u;
  }

  /**
   * The shortest time between two events to {@code sessions} sessions: {@link #MIN_GAP_MS} for up to {@link
   * #SESSIONS_PER_GAP}, and as much again for every so many more, so that the bytes a repl's presence sends each
   * second stay the same however many sessions it has.
   */
  static long gapMs(int sessions) {
    return MIN_GAP_MS * Math.max(1, (sessions + SESSIONS_PER_GAP - 1) / SESSIONS_PER_GAP);
  }

  private void changed() {
    if (timer >= 0) return;
    long wait = lastSent + gapMs(here.size()) - System.currentTimeMillis();
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
    CollabEvent event = new CollabEvent(event());
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
