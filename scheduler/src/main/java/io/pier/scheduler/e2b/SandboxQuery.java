package io.pier.scheduler.e2b;

import io.pier.common.http.ApiException;
import io.pier.common.repl.ReplRecord;
import io.vertx.core.MultiMap;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code GET /v2/sandboxes} asks for: filters (metadata, state, start time, template), an order by start time,
 * and a page ({@code limit}, and {@code nextToken}, the cursor the previous page's {@code x-next-token} header gave).
 * The cursor is the position of the last sandbox answered (its start time and ID), so a page never repeats one that
 * stayed where it was.
 *
 * @param after where the previous page ended, or null for the first page
 */
record SandboxQuery(
    Map<String, String> metadata,
    Set<String> states,
    Instant startedAfter,
    String template,
    boolean ascending,
    int limit,
    Cursor after) {
  static final int MAX_LIMIT = 100;
  private static final Set<String> STATES = Set.of("running", "paused");

  /** A position in the order: a sandbox's start time (milliseconds) and ID. */
  record Cursor(long startedAt, String sandboxId) {
    String token() {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString((startedAt + ":" + sandboxId).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor of(ReplRecord r) {
      return new Cursor(SandboxViews.startedAt(r).toEpochMilli(), r.slug());
    }

    /** @throws ApiException 400 for a token no page gave */
    static Cursor parse(String token) {
      try {
        String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        return new Cursor(Long.parseLong(text.substring(0, colon)), text.substring(colon + 1));
      } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
        throw ApiException.badRequest(
            "invalid_next_token", "nextToken '" + token + "' is not one a page gave");
      }
    }
  }

  /** One page, the cursor of the next one (null after the last), and how many running sandboxes matched. */
  record Page(List<ReplRecord> items, String nextToken, int totalRunning) {}

  /** Reads the query parameters. @throws ApiException 400 naming a parameter that is malformed */
  static SandboxQuery parse(MultiMap params) {
    String metadata = params.get("metadata");
    Set<String> states = new TreeSet<>();
    for (String value : params.getAll("state")) {
      for (String state : value.split(",")) {
        if (state.isEmpty()) continue;
        if (!STATES.contains(state)) {
          throw ApiException.badRequest(
              "invalid_state", "state '" + state + "' is not running or paused");
        }
        states.add(state);
      }
    }
    if (states.isEmpty()) states = STATES;
    String order = params.get("order");
    if (order != null && !order.equals("asc") && !order.equals("desc")) {
      throw ApiException.badRequest("invalid_order", "order must be asc or desc, got " + order);
    }
    String token = params.get("nextToken");
    return new SandboxQuery(
        metadata == null ? Map.of() : metadata(metadata),
        Set.copyOf(states),
        startedAfter(params.get("startedAfter")),
        params.get("template"),
        "asc".equals(order),
        limit(params.get("limit")),
        token == null || token.isEmpty() ? null : Cursor.parse(token));
  }

  /**
   * The metadata filter, {@code key=value&key2=value2}, each key and value URL-encoded in it: the JavaScript SDK
   * encodes them with {@code encodeURIComponent} and then the pairs as a form, so each is decoded twice; a key or
   * value that is not valid encoded the second time (someone encoded it once) is taken as decoded once.
   *
   * @throws ApiException 400 for a pair without {@code =}
   */
  static Map<String, String> metadata(String text) {
    Map<String, String> pairs = new LinkedHashMap<>();
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) continue;
      int equals = pair.indexOf('=');
      if (equals < 1) {
        throw ApiException.badRequest(
            "invalid_metadata",
            "the metadata filter is key=value pairs joined by &, got '" + pair + "'");
      }
      pairs.put(decodeTwice(pair.substring(0, equals)), decodeTwice(pair.substring(equals + 1)));
    }
    return Map.copyOf(pairs);
  }

  private static String decodeTwice(String text) {
    String once = URLDecoder.decode(text, StandardCharsets.UTF_8);
    try {
      // The inner encoding is encodeURIComponent's: a '+' there is a plus, not a space.
      return URLDecoder.decode(once.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notEncodedTwice) {
      return once;
    }
  }

  private static Instant startedAfter(String text) {
    if (text == null || text.isEmpty()) return null;
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(
          "invalid_started_after",
          "startedAfter must be an RFC 3339 date-time such as 2026-01-02T03:04:05Z, got " + text);
    }
  }

  private static int limit(String text) {
    if (text == null || text.isEmpty()) return MAX_LIMIT;
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= MAX_LIMIT) return limit;
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest(
        "invalid_limit", "limit must be a whole number from 1 to " + MAX_LIMIT + ", got " + text);
  }

  /** Whether the sandbox passes every filter. */
  boolean matches(ReplRecord r) {
    if (!states.contains(SandboxViews.state(r.state()))) return false;
    if (template != null && !template.isEmpty() && !template.equals(r.template())) return false;
    if (startedAfter != null && SandboxViews.startedAt(r).isBefore(startedAfter)) return false;
    for (Map.Entry<String, String> wanted : metadata.entrySet()) {
      if (!wanted.getValue().equals(r.labels().get(wanted.getKey()))) return false;
    }
    return true;
  }

  /** The page of {@code all} this query asks for. */
  Page page(List<ReplRecord> all) {
    Comparator<Cursor> order =
        Comparator.comparingLong(Cursor::startedAt).thenComparing(Cursor::sandboxId);
    if (!ascending) order = order.reversed();
    List<ReplRecord> matching = new ArrayList<>();
    int running = 0;
    for (ReplRecord r : all) {
      if (!matches(r)) continue;
      if (SandboxViews.state(r.state()).equals("running")) running++;
      matching.add(r);
    }
    Comparator<Cursor> byCursor = order;
    matching.sort((a, b) -> byCursor.compare(Cursor.of(a), Cursor.of(b)));
    List<ReplRecord> page = new ArrayList<>();
    boolean more = false;
    for (ReplRecord r : matching) {
      if (after != null && byCursor.compare(Cursor.of(r), after) <= 0) continue;
      if (page.size() == limit) {
        more = true;
        break;
      }
      page.add(r);
    }
    String next = more ? Cursor.of(page.get(page.size() - 1)).token() : null;
    return new Page(List.copyOf(page), next, running);
  }
}
