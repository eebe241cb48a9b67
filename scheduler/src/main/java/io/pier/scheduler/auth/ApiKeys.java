package io.pier.scheduler.auth;

import io.pier.common.auth.ApiKeyEntry;
import io.pier.common.auth.ApiKeyTable;
import io.pier.common.auth.ApiKeyText;
import io.pier.common.auth.AuthToken;
import io.pier.common.cluster.SharedMap;
import io.pier.common.http.ApiException;
import io.pier.common.store.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Accounts' API keys: made, listed and revoked here, checked everywhere. A key is kept in storage
 * ({@code auth/keys/<owner>/<id>.json}: id, name, owner, the SHA-256 of its secret, creation and expiry, never the key)
 * so it survives a restart of the whole cluster, and published in the cluster map {@code pier.apikeys} with its
 * account's current role, which every service follows into its {@link ApiKeyTable}. Revoking deletes both; every
 * service drops the key when the map's event reaches it.
 *
 * <p>A key acts as its account's user with the account's current role: an administrator's keys are administrators'
 * (set when the key is made or restored, and again when the role changes). A key may make more keys of its account.
 * Pier's services are no account and have no keys.
 */
public final class ApiKeys {
  public static final String PREFIX = "auth/keys/";
  public static final int MAX_PER_ACCOUNT = 50;
  public static final int MAX_NAME = 64;
  public static final int MAX_EXPIRY_DAYS = 3650;

  private static final Pattern OWNER = Pattern.compile("[a-z0-9_-]{3,32}");
  private static final Pattern ID = Pattern.compile("[0-9a-f]{16}");

  private final Vertx vertx;
  private final ObjectStore store;
  private final SharedMap<ApiKeyEntry> shared;
  private final ApiKeyTable table;
  private final Accounts accounts;
  private final Clock clock;
  private final SecureRandom random;

  /**
   * @param table this scheduler's table of keys (the one its {@code TokenSigner} checks): listings read it, and this
   *              class tells it its own changes at once rather than waiting for their events
   */
  public ApiKeys(
      Vertx vertx,
      ObjectStore store,
      SharedMap<ApiKeyEntry> shared,
      ApiKeyTable table,
      Accounts accounts,
      Clock clock,
      SecureRandom random) {
    this.vertx = vertx;
    this.store = store;
    this.shared = shared;
    this.table = table;
    this.accounts = accounts;
    this.clock = clock;
    this.random = random;
  }

  /** A new key and its text, which is never available again. */
  public record Created(ApiKeyEntry entry, String key) {}

  /**
   * Makes a key for the caller's account.
   *
   * @param expiresInDays days until it stops working, or null for never
   * @throws ApiException (via the future) naming what is wrong
   */
  public Future<Created> create(AuthToken caller, String name, Integer expiresInDays) {
    if (caller.isService() || !OWNER.matcher(caller.subject()).matches()) {
      return Future.failedFuture(
          new ApiException(403, "forbidden", "API keys belong to accounts; sign in as one"));
    }
    String problem = nameProblem(name);
    if (problem != null)
      return Future.failedFuture(ApiException.badRequest("invalid_name", problem));
    if (expiresInDays != null && (expiresInDays < 1 || expiresInDays > MAX_EXPIRY_DAYS)) {
      return Future.failedFuture(
          ApiException.badRequest(
              "invalid_expiry",
              "\"expiresInDays\" must be a whole number from 1 to " + MAX_EXPIRY_DAYS));
    }
    String owner = caller.subject();
    if (table.ofOwner(owner).size() >= MAX_PER_ACCOUNT) {
      return Future.failedFuture(
          ApiException.badRequest(
              "too_many_keys",
              "an account has at most "
                  + MAX_PER_ACCOUNT
                  + " API keys; delete one first (DELETE /api/keys/<id>)"));
    }
    Instant now = clock.instant();
    ApiKeyText.Minted minted = ApiKeyText.mint(random);
    ApiKeyEntry entry =
        new ApiKeyEntry(
            minted.id(),
            owner,
            name,
            minted.secretHash(),
            caller.admin(),
            now,
            expiresInDays == null ? null : now.plus(Duration.ofDays(expiresInDays)),
            null);
    return vertx
        .executeBlocking(
            () -> {
              store.put(storageKey(entry), stored(entry));
              return entry;
            },
            false)
        .compose(stored -> shared.putIfAbsent(entry.id(), entry))
        .compose(
            fresh -> {
              if (!fresh) return Future.failedFuture(new IllegalStateException("key id taken"));
              table.learn(entry);
              return Future.succeededFuture(new Created(entry, minted.text()));
            });
  }

  /** What is wrong with a key's name, or null: 1 to 64 printable characters. */
  static String nameProblem(String name) {
    String rule = "\"name\" must have 1 to " + MAX_NAME + " printable characters";
    if (name == null || name.isBlank() || name.codePointCount(0, name.length()) > MAX_NAME)
      return rule;
    for (int i = 0; i < name.length(); ) {
      int c = name.codePointAt(i);
      int type = Character.getType(c);
      if (Character.isISOControl(c)
          || type == Character.FORMAT
          || type == Character.SURROGATE
          || type == Character.UNASSIGNED
          || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR
          || type == Character.PRIVATE_USE) return rule + " (no control or format characters)";
      i += Character.charCount(c);
    }
    return null;
  }

  /** An account's keys, oldest first. */
  public List<ApiKeyEntry> of(String owner) {
    return table.ofOwner(owner);
  }

  /**
   * Revokes a key: its owner or an administrator may. Storage first, then the cluster map, whose event makes every
   * service drop it.
   *
   * @throws ApiException (via the future) 404 for an unknown key, 403 for someone else's
   */
  public Future<Void> revoke(AuthToken caller, String id) {
    ApiException unknown = ApiException.notFound("unknown_key", "no API key '" + id + "'");
    if (id == null || !ID.matcher(id).matches()) return Future.failedFuture(unknown);
    return shared
        .get(id)
        .compose(
            entry -> {
              if (entry == null) return Future.failedFuture(unknown);
              if (!caller.admin() && !caller.isService() && !caller.subject().equals(entry.owner()))
                return Future.failedFuture(
                    new ApiException(403, "forbidden", "this API key belongs to someone else"));
              return remove(entry);
            });
  }

  /** Revokes every key of an account (when the account goes). @return how many there were */
  public Future<Integer> revokeAllOf(String owner) {
    if (!OWNER.matcher(owner).matches()) return Future.succeededFuture(0);
    return vertx
        .executeBlocking(
            () -> {
              List<String> ids = new ArrayList<>();
              for (ObjectStore.ObjectInfo object : store.list(PREFIX + owner + "/"))
                ids.add(idOf(object.key()));
              for (ApiKeyEntry known : table.ofOwner(owner))
                if (!ids.contains(known.id())) ids.add(known.id());
              store.deletePrefix(PREFIX + owner + "/");
              return ids;
            },
            false)
        .compose(
            ids -> {
              List<Future<Void>> removed = new ArrayList<>();
              for (String id : ids) {
                table.forget(id);
                removed.add(shared.remove(id));
              }
              return Future.all(removed).map(ids.size());
            });
  }

  /** Gives an account's keys its new role (an administrator's change of it). */
  public Future<Void> setRole(String owner, boolean admin) {
    List<Future<ApiKeyEntry>> changed = new ArrayList<>();
    for (ApiKeyEntry key : table.ofOwner(owner)) {
      changed.add(
          shared
              .update(key.id(), current -> current == null ? null : current.withAdmin(admin))
              .onSuccess(
                  now -> {
                    if (now != null) table.learn(now);
                  }));
    }
    return Future.all(changed).mapEmpty();
  }

  /**
   * Puts the stored keys back into the cluster map (after a restart of the whole cluster it starts empty); see {@link
   * ApiKeyRestore}.
   *
   * @return how many keys are published
   */
  public Future<Integer> restore() {
    return new ApiKeyRestore(vertx, store, shared, table, accounts, this::revokeAllOf).restore();
  }

  private Future<Void> remove(ApiKeyEntry entry) {
    return vertx
        .executeBlocking(
            () -> {
              store.delete(storageKey(entry));
              return null;
            },
            false)
        .compose(v -> shared.remove(entry.id()))
        .onSuccess(v -> table.forget(entry.id()));
  }

  static String storageKey(ApiKeyEntry entry) {
    return PREFIX + entry.owner() + "/" + entry.id() + ".json";
  }

  private static String idOf(String storageKey) {
    String name = storageKey.substring(storageKey.lastIndexOf('/') + 1);
    return name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
  }

  /** What storage keeps: no role (the account's decides) and no last use (the cluster's, coarse). */
  private static byte[] stored(ApiKeyEntry entry) {
    JsonObject json = entry.toJson();
    json.remove("admin");
    json.remove("lastUsedAt");
    return json.encode().getBytes(StandardCharsets.UTF_8);
  }
}
