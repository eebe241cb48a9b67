package io.pier.common.cluster;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A typed view of a cluster-wide map whose values are stored as JSON text.
 *
 * @param <V> the value type
 */
public final class SharedMap<V> {
  private static final Logger LOG = LoggerFactory.getLogger(SharedMap.class);
  private static final int MAX_UPDATE_ATTEMPTS = 50;

  private final StringMap raw;
  private final Function<V, JsonObject> encode;
  private final Function<JsonObject, V> decode;

  /**
   * The value last read of each key, with the text it was decoded from; null when values are not kept. A key read
   * again with the same text (the same string, when the map answers from a near cache) is not parsed again.
   */
  private final Map<String, Decoded<V>> lastRead;

  private final int lastReadEntries;

  public SharedMap(StringMap raw, Function<V, JsonObject> encode, Function<JsonObject, V> decode) {
    this(raw, encode, decode, 0);
  }

  /**
   * @param lastReadEntries how many keys' last-read values are kept, so that a value read again unchanged is not
   *     decoded again (all are dropped when that many are kept); 0 for none. Only for immutable values, since every
   *     reader gets the same object.
   */
  public SharedMap(
      StringMap raw,
      Function<V, JsonObject> encode,
      Function<JsonObject, V> decode,
      int lastReadEntries) {
    this.raw = raw;
    this.encode = encode;
    this.decode = decode;
    this.lastReadEntries = lastReadEntries;
    this.lastRead = lastReadEntries > 0 ? new ConcurrentHashMap<>() : null;
  }

  /** @return the value, or null when there is none */
  public Future<V> get(String key) {
    return raw.get(key).map(text -> text == null ? null : decoded(key, text));
  }

  /**
   * As {@link #get(String)}, a miss asked again of the key's owner (see {@link StringMap#getFromOwner(String)}): for
   * reads whose "none" is answered to a user, such as a route looked up just after its repl started.
   *
   * @return the value, or null when the owner has none either
   */
  public Future<V> getConfirmingMiss(String key) {
    return get(key)
        .compose(
            found ->
                found != null
                    ? Future.succeededFuture(found)
                    : raw.getFromOwner(key).map(text -> text == null ? null : decoded(key, text)));
  }

  /** Keys whose last-read value is kept now (at most {@code lastReadEntries}). */
  public int lastReadKept() {
    return lastRead == null ? 0 : lastRead.size();
  }

  private V decoded(String key, String text) {
    if (lastRead == null) return decode.apply(new JsonObject(text));
    Decoded<V> last = lastRead.get(key);
    if (last != null && last.text.equals(text)) return last.value;
    V value = decode.apply(new JsonObject(text));
    if (lastRead.size() >= lastReadEntries) lastRead.clear();
    lastRead.put(key, new Decoded<>(text, value));
    return value;
  }

  private record Decoded<V>(String text, V value) {}

  public Future<Void> put(String key, V value) {
    return raw.set(key, encode.apply(value).encode(), null);
  }

  public Future<Void> put(String key, V value, Duration ttl) {
    return raw.set(key, encode.apply(value).encode(), ttl);
  }

  public Future<Boolean> putIfAbsent(String key, V value) {
    return raw.putIfAbsent(key, encode.apply(value).encode());
  }

  public Future<Boolean> putIfAbsent(String key, V value, Duration ttl) {
    return raw.putIfAbsent(key, encode.apply(value).encode(), ttl);
  }

  public Future<Void> remove(String key) {
    return raw.delete(key);
  }

  /**
   * Atomically replaces the value with {@code change.apply(current)}, retrying when another member changed it in
   * between. {@code change} may throw to abort; it sees null when the key has no value and may return null to
   * leave the map unchanged.
   *
   * @return the stored value (or the current one when {@code change} returned null)
   */
  public Future<V> update(String key, UnaryOperator<V> change) {
    return update(key, change, MAX_UPDATE_ATTEMPTS);
  }

  private Future<V> update(String key, UnaryOperator<V> change, int attemptsLeft) {
    if (attemptsLeft == 0)
      return Future.failedFuture(new IllegalStateException("too much contention on " + key));
    return raw.get(key)
        .compose(
            text -> {
              V current = text == null ? null : decode.apply(new JsonObject(text));
              V next;
              try {
                next = change.apply(current);
              } catch (RuntimeException e) {
                return Future.failedFuture(e);
              }
              if (next == null) return Future.succeededFuture(current);
              String nextText = encode.apply(next).encode();
              Future<Boolean> stored =
                  text == null ? raw.putIfAbsent(key, nextText) : raw.replace(key, text, nextText);
              return stored.compose(
                  ok -> ok ? Future.succeededFuture(next) : update(key, change, attemptsLeft - 1));
            });
  }

  /**
   * Removes the entry if {@code shouldRemove} accepts its current value, atomically.
   *
   * @return true when an entry was removed
   */
  public Future<Boolean> removeIf(String key, Predicate<V> shouldRemove) {
    return raw.get(key)
        .compose(
            text -> {
              if (text == null || !shouldRemove.test(decode.apply(new JsonObject(text))))
                return Future.succeededFuture(false);
              return raw.remove(key, text);
            });
  }

  /** Every entry, by key. */
  public Future<Map<String, V>> entries() {
    return raw.entries()
        .map(
            entries -> {
              Map<String, V> decoded = new TreeMap<>();
              for (Map.Entry<String, String> e : entries.entrySet())
                decoded.put(e.getKey(), decode.apply(new JsonObject(e.getValue())));
              return decoded;
            });
  }

  public Future<List<V>> values() {
    return raw.entries()
        .map(
            entries -> {
              List<V> values = new ArrayList<>(entries.size());
              for (Map.Entry<String, String> e : entries.entrySet())
                values.add(decode.apply(new JsonObject(e.getValue())));
              return values;
            });
  }

  /**
   * Follows every change of the map (see {@link StringMap#listen}): {@code changed} gets the decoded new value, or null
   * when the entry is gone. A value that cannot be decoded is reported as gone, so a table kept from these events
   * never holds what it cannot read.
   */
  public StringMap.Subscription listen(BiConsumer<String, V> changed) {
    return raw.listen(
        (key, text) -> {
          V value = null;
          if (text != null) {
            try {
              value = decode.apply(new JsonObject(text));
            } catch (RuntimeException unreadable) {
              LOG.warn("ignoring an unreadable value of {}: {}", key, unreadable.getMessage());
            }
          }
          changed.accept(key, value);
        });
  }
}
