package io.pier.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sharing repls ({@code /api/repls/<slug>/collaborators}): the owner invites accounts as editor or viewer and takes
 * the role back; a collaborator may leave. What the repls shared with this account are is {@link Repls#shared}.
 */
public final class Collaborators {
  private final Http http;

  Collaborators(Http http) {
    this.http = http;
  }

  /** What an owner can make another account of its repl. */
  public enum Role {
    /** Writes files, runs, types into terminals, execs. */
    EDITOR,
    /** Reads files, watches terminals, opens the preview. */
    VIEWER;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One account the repl is shared with; {@code role} as Pier answers it ({@code editor} or {@code viewer}). */
  public record Collaborator(String account, String role) {}

  /** Who a repl is shared with: its owner and its collaborators, sorted by account. */
  public record Sharing(String owner, List<Collaborator> collaborators) {}

  /** Shares the repl with {@code account} as {@code role}, or gives it that role if it has another. Only the owner. */
  public Collaborator invite(String slug, String account, Role role) {
    return collaborator(
        http.call("PUT", at(slug, account), http.object().put("role", role.wire())));
  }

  /** The owner and every collaborator may ask. */
  public Sharing list(String slug) {
    JsonNode json = http.call("GET", Repls.at(slug) + "/collaborators", null);
    List<Collaborator> collaborators = new ArrayList<>();
    json.path("collaborators").forEach(c -> collaborators.add(collaborator(c)));
    return new Sharing(json.path("owner").asText(), collaborators);
  }

  /** Stops sharing the repl with {@code account}. Only the owner (or the account itself: {@link #leave}). */
  public void revoke(String slug, String account) {
    http.call("DELETE", at(slug, account), null);
  }

  /** This account stops being a collaborator of the repl. */
  public void leave(String slug) {
    // The route is the account's own entry: who this key acts as is asked of Pier, not guessed.
    String self = http.call("GET", "/api/auth/me", null).path("username").asText();
    revoke(slug, self);
  }

  private static String at(String slug, String account) {
    return Repls.at(slug) + "/collaborators/" + UriPaths.segment(account);
  }

  private static Collaborator collaborator(JsonNode json) {
    return new Collaborator(json.path("account").asText(), json.path("role").asText());
  }
}
