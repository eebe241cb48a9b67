package io.pier.node.collab;

import io.pier.node.session.SessionException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The authority over one co-edited file (docs/protocol.md#co-editing): its text, its version (how many updates it has
 * taken since it was opened) and the recent updates, in the one order every editor applies them. As in the central
 * authority of {@code @codemirror/collab}, a push is taken only when it was made on the current version; otherwise it
 * is refused and its client rebases its changes over the updates it has not seen yet, and pushes again. Thread-safe,
 * though a repl's sessions call it from its one context.
 */
public final class SharedDocument {
  /** One accepted change, as its client sent it. */
  public record Update(String clientId, JsonArray changes) {
    JsonObject toJson() {
      return new JsonObject().put("clientID", clientId).put("changes", changes);
    }
  }

  /** What a push came to: taken (at the new version), or refused because it was made on an older version. */
  public record Pushed(boolean accepted, int version, List<Update> updates) {}

  private final String path;

  /**
   * Names this document among those the path will have: a client that reconnects gives it with its version, so that
   * a document opened again after the last one was forgotten (versions counting from 0 again) is never mistaken for
   * the one it knew.
   */
  private final String id = UUID.randomUUID().toString().substring(0, 8);

  private final int maxHistory;
  private final int maxBytes;
  private String text;
  private int version;

  /** The last updates taken, the first of them made on version {@code version - history.size()}. */
  private final Deque<Update> history = new ArrayDeque<>();

  /**
   * @param maxHistory how many updates are kept for clients that fall behind (one further behind reloads the text)
   * @param maxBytes   the largest text, in UTF-8 bytes, a push may make
   */
  public SharedDocument(String path, String text, int maxHistory, int maxBytes) {
    this.path = path;
    this.text = text;
    this.maxHistory = maxHistory;
    this.maxBytes = maxBytes;
  }

  public String path() {
    return path;
  }

  public String id() {
    return id;
  }

  public synchronized String text() {
    return text;
  }

  public synchronized int version() {
    return version;
  }

  /**
   * Takes {@code updates} made on {@code base}: all of them, in order, or none (a malformed one refuses the push, and
   * so does a text that would grow past the limit).
   */
  public synchronized Pushed push(int base, List<Update> updates) {
    if (base != version) return new Pushed(false, version, List.of());
    String next = text;
    for (Update u : updates) next = TextChanges.apply(next, u.changes());
    if (next.length() > maxBytes / 3 && next.getBytes(StandardCharsets.UTF_8).length > maxBytes)
      throw new SessionException(
          "too_large", path + " would be larger than " + maxBytes / (1024 * 1024) + " MiB");
    text = next;
    for (Update u : updates) remember(u);
    return new Pushed(true, version, List.copyOf(updates));
  }

  /** How many updates are kept for clients that fall behind (at most {@code maxHistory}). */
  public synchronized int updatesKept() {
    return history.size();
  }

  /** The updates since {@code since}, or empty when they are no longer kept (or {@code since} is not a version). */
  public synchronized Optional<List<Update>> since(int since) {
    int first = version - history.size();
    if (since < first || since > version) return Optional.empty();
    List<Update> all = new ArrayList<>(history);
    return Optional.of(List.copyOf(all.subList(since - first, all.size())));
  }

  /**
   * Takes a change made to the file outside the editors (a terminal, another program, a save of another kind) as an
   * update of the node's own, so that every editor gets it as it gets the others'.
   *
   * @return the update, or empty when the text is the same
   */
  public synchronized Optional<Update> replace(String newText, String clientId) {
    if (newText.equals(text)) return Optional.empty();
    Update u = new Update(clientId, TextChanges.between(text, newText));
    text = newText;
    remember(u);
    return Optional.of(u);
  }

  private void remember(Update u) {
    history.addLast(u);
    version++;
    while (history.size() > maxHistory) history.removeFirst();
  }

  /** The updates as the protocol sends them. */
  public static JsonArray toJson(List<Update> updates) {
    return new JsonArray(updates.stream().map(Update::toJson).toList());
  }
}
