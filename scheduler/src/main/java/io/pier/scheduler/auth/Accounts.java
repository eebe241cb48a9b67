package io.pier.scheduler.auth;

import io.pier.common.cluster.SharedMap;
import io.pier.common.http.ApiException;
import io.pier.common.store.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;
import java.time.Clock;
import java.util.Base64;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Local accounts: a username and a password hash (PBKDF2-HMAC-SHA256, a random salt each), kept in storage
 * ({@code accounts/<username>.json}) so they survive a restart of the whole cluster. The cluster map of accounts is
 * what makes two sign-ups of one name race safely. Another identity provider (OIDC) would sit beside this class and
 * hand out the same tokens.
 *
 * <p>Administrators are made on purpose, never by whoever signs up first under some name:
 * <ul>
 *   <li>the first one signs up with the <b>setup token</b> ({@code PIER_SETUP_TOKEN}, which {@code ./pier up} makes and
 *       prints). It works once: the sign-up that uses it is recorded in storage ({@link #SETUP_USED}) and the cluster,
 *       and every later use is refused;</li>
 *   <li>an administrator (or the operator's {@code ./pier admin <name>}) sets another account's flag
 *       ({@link #setAdmin});</li>
 *   <li>names an operator lists in {@code PIER_ADMINS} are administrators when they sign in, as before; but signing
 *       up under such a name needs the setup token too, so nobody can take the name first.</li>
 * </ul>
 */
public final class Accounts {
  private static final Pattern USERNAME = Pattern.compile("[a-z0-9_-]{3,32}");
  private static final int ITERATIONS = 210_000;
  private static final int MIN_PASSWORD = 8;

  /**
   * An account as stored. In storage, {@code administrator} is the flag the setup token or an administrator set;
   * the {@code admin} field of accounts made by earlier versions (a copy of {@code PIER_ADMINS} at sign-up) is
   * ignored, so for them the list alone decides, as it did.
   */
  public record Account(
      String username, String salt, String hash, int iterations, boolean admin, String createdAt) {
    JsonObject toJson() {
      return new JsonObject()
          .put("username", username)
          .put("salt", salt)
          .put("hash", hash)
          .put("iterations", iterations)
          .put("administrator", admin)
          .put("createdAt", createdAt);
    }

    static Account fromJson(JsonObject json) {
      return new Account(
          json.getString("username"),
          json.getString("salt"),
          json.getString("hash"),
          json.getInteger("iterations"),
          json.getBoolean("administrator", false),
          json.getString("createdAt"));
    }
  }

  /** Where the use of the setup token is recorded. */
  public static final String SETUP_USED = "auth/setup-token-used.json";

  /** The cluster-map key that makes two sign-ups with the setup token race safely (not a valid username). */
  static final String SETUP_LOCK = "!setup";

  private final Vertx vertx;
  private final ObjectStore store;
  private final SharedMap<JsonObject> cache;
  private final Set<String> admins;
  private final boolean signupOpen;
  private final String setupToken;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  /** Accounts without a setup token: no sign-up makes an administrator. */
  public Accounts(
      Vertx vertx,
      ObjectStore store,
      SharedMap<JsonObject> cache,
      Set<String> admins,
      boolean signupOpen,
      Clock clock) {
    this(vertx, store, cache, admins, signupOpen, null, clock);
  }

  /**
   * @param admins     names that are administrators at sign-in ({@code PIER_ADMINS}); signing up under one needs the
   *                   setup token
   * @param setupToken the one-time token whose sign-up becomes the first administrator; null: none
   */
  public Accounts(
      Vertx vertx,
      ObjectStore store,
      SharedMap<JsonObject> cache,
      Set<String> admins,
      boolean signupOpen,
      String setupToken,
      Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.cache = cache;
    this.admins = Set.copyOf(admins);
    this.signupOpen = signupOpen;
    this.setupToken = setupToken;
    this.clock = clock;
  }

  public static String key(String username) {
    return "accounts/" + username + ".json";
  }

  /** Creates an account that is no administrator. @throws ApiException (via the future) naming what is wrong */
  public Future<Account> signUp(String username, String password) {
    return signUp(username, password, null);
  }

  /**
   * Creates an account; with the right, unused setup token an administrator (even when sign-up is closed).
   *
   * @param presentedSetupToken what the request carried as {@code setupToken}, or null
   * @throws ApiException (via the future) naming what is wrong with the request
   */
  public Future<Account> signUp(String username, String password, String presentedSetupToken) {
    if (presentedSetupToken == null && !signupOpen) {
      return Future.failedFuture(new ApiException(403, "signup_closed", "sign-up is closed here"));
    }
    if (username == null || !USERNAME.matcher(username).matches()) {
      return Future.failedFuture(
          ApiException.badRequest(
              "invalid_username", "a username has 3 to 32 lower-case letters, digits, '_' or '-'"));
    }
    if (password == null || password.length() < MIN_PASSWORD || password.length() > 1024) {
      return Future.failedFuture(
          ApiException.badRequest(
              "weak_password", "a password has at least " + MIN_PASSWORD + " characters"));
    }
    if (presentedSetupToken == null) {
      if (admins.contains(username)) {
        return Future.failedFuture(
            new ApiException(
                403,
                "setup_token_required",
                "'"
                    + username
                    + "' is an "
                    + "administrator's name here: signing up under it needs the setup token (\"setupToken\")"));
      }
      return create(username, password, false);
    }
    if (setupToken == null
        || !MessageDigest.isEqual(
            setupToken.getBytes(StandardCharsets.UTF_8),
            presentedSetupToken.getBytes(StandardCharsets.UTF_8))) {
      return Future.failedFuture(
          new ApiException(403, "bad_setup_token", "that is not this Pier's setup token"));
    }
    JsonObject use =
        new JsonObject().put("username", username).put("at", clock.instant().toString());
    ApiException used =
        new ApiException(
            403,
            "setup_token_used",
            "the setup token has been used; an administrator can make other accounts administrators");
    return vertx
        .executeBlocking(() -> store.get(SETUP_USED).isPresent(), false)
        .compose(
            stored -> stored ? Future.succeededFuture(false) : cache.putIfAbsent(SETUP_LOCK, use))
        .compose(
            claimed -> {
              if (!claimed) return Future.failedFuture(used);
              return create(username, password, true)
                  .recover(err -> cache.remove(SETUP_LOCK).transform(v -> Future.failedFuture(err)))
                  .compose(
                      account ->
                          vertx.executeBlocking(
                              () -> {
                                store.put(
                                    SETUP_USED, use.encode().getBytes(StandardCharsets.UTF_8));
                                return account;
                              },
                              false));
            });
  }

  /** True once the setup token has made an administrator (so the scheduler stops advertising it). */
  public Future<Boolean> setupUsed() {
    return vertx.executeBlocking(() -> store.get(SETUP_USED).isPresent(), false);
  }

  private Future<Account> create(String username, String password, boolean admin) {
    return vertx
        .executeBlocking(
            () -> {
              byte[] salt = new byte[16];
              random.nextBytes(salt);
              Account account =
                  new Account(
                      username,
                      Base64.getEncoder().encodeToString(salt),
                      Base64.getEncoder().encodeToString(hash(password, salt, ITERATIONS)),
                      ITERATIONS,
                      admin,
                      clock.instant().toString());
              if (store.get(key(username)).isPresent())
                throw new ApiException(409, "username_taken", "that name is taken");
              return account;
            },
            false)
        .compose(
            account ->
                cache
                    .putIfAbsent(username, account.toJson())
                    .compose(
                        fresh -> {
                          if (!fresh)
                            return Future.failedFuture(
                                new ApiException(409, "username_taken", "that name is taken"));
                          return vertx.executeBlocking(
                              () -> {
                                store.put(
                                    key(username),
                                    account.toJson().encode().getBytes(StandardCharsets.UTF_8));
                                return withConfiguredRole(account);
                              },
                              false);
                        }));
  }

  /**
   * Makes an account an administrator or takes that away, in storage and in the cluster's cache. The caller revokes
   * the account's tokens, which carry the old flag. A name listed in {@code PIER_ADMINS} stays an administrator
   * whatever its stored flag says.
   *
   * @return the account with its flag as it is now in effect
   */
  public Future<Account> setAdmin(String username, boolean admin) {
    if (username == null || !USERNAME.matcher(username).matches()) {
      return Future.failedFuture(
          ApiException.notFound("unknown_account", "no account named '" + username + "'"));
    }
    return find(username)
        .compose(
            account -> {
              if (account == null) {
                return Future.failedFuture(
                    ApiException.notFound(
                        "unknown_account", "no account named '" + username + "'"));
              }
              Account changed =
                  new Account(
                      account.username(),
                      account.salt(),
                      account.hash(),
                      account.iterations(),
                      admin,
                      account.createdAt());
              return vertx
                  .executeBlocking(
                      () -> {
                        store.put(
                            key(username),
                            changed.toJson().encode().getBytes(StandardCharsets.UTF_8));
                        return changed;
                      },
                      false)
                  .compose(
                      stored ->
                          cache
                              .put(username, stored.toJson())
                              .map(v -> withConfiguredRole(stored)));
            });
  }

  /** The account with its administrator flag in effect: stored, or given by {@code PIER_ADMINS}. */
  private Account withConfiguredRole(Account account) {
    return new Account(
        account.username(),
        account.salt(),
        account.hash(),
        account.iterations(),
        account.admin() || admins.contains(account.username()),
        account.createdAt());
  }

  /** True when {@code PIER_ADMINS} lists the name, whatever its stored flag. */
  public boolean listedAdmin(String username) {
    return admins.contains(username);
  }

  /** @return the account when the password is right; a failure with {@code bad_credentials} otherwise */
  public Future<Account> logIn(String username, String password) {
    if (username == null || password == null || !USERNAME.matcher(username).matches()) {
      return Future.failedFuture(
          new ApiException(401, "bad_credentials", "wrong username or password"));
    }
    return find(username)
        .compose(
            account ->
                vertx.executeBlocking(
                    () -> {
                      // Without an account the hash is still computed, so timing does not tell
                      // which names exist.
                      Account against =
                          account != null
                              ? account
                              : new Account(
                                  username, "AAAAAAAAAAAAAAAAAAAAAA==", "", ITERATIONS, false, "");
                      byte[] expected = Base64.getDecoder().decode(against.hash());
                      byte[] actual =
                          hash(
                              password,
                              Base64.getDecoder().decode(against.salt()),
                              against.iterations());
                      if (account == null || !MessageDigest.isEqual(expected, actual)) {
                        throw new ApiException(
                            401, "bad_credentials", "wrong username or password");
                      }
                      // The stored flag (setup token, an administrator's change) or PIER_ADMINS: a
                      // name taken off the list keeps only
                      // its stored flag at its next sign-in.
                      return withConfiguredRole(account);
                    },
                    false));
  }

  /**
   * Checks an account's password for a change it asks for (a new password, its deletion): a wrong one is {@code 403
   * wrong_password}, not 401, since the caller is signed in and stays so.
   *
   * @return the account when the password is right
   */
  public Future<Account> confirm(String username, String password) {
    return logIn(username, password)
        .recover(
            err ->
                Future.failedFuture(
                    err instanceof ApiException api && api.status() == 401
                        ? new ApiException(403, "wrong_password", "the current password is wrong")
                        : err));
  }

  /**
   * Gives an account a new password (a new salt, the current iteration count), in storage and in the cluster's cache.
   *
   * @throws ApiException (via the future) {@code 403 wrong_password} when {@code current} is not its password,
   *     {@code 400 weak_password} when the new one is too short
   */
  public Future<Account> changePassword(String username, String current, String replacement) {
    String problem = passwordProblem(replacement);
    if (problem != null)
      return Future.failedFuture(ApiException.badRequest("weak_password", problem));
    return confirm(username, current)
        // The stored flag, not the one in effect: PIER_ADMINS stays a list apart.
        .compose(confirmed -> find(username))
        .compose(
            stored ->
                vertx.executeBlocking(
                    () -> {
                      byte[] salt = new byte[16];
                      random.nextBytes(salt);
                      Account changed =
                          new Account(
                              username,
                              Base64.getEncoder().encodeToString(salt),
                              Base64.getEncoder()
                                  .encodeToString(hash(replacement, salt, ITERATIONS)),
                              ITERATIONS,
                              stored.admin(),
                              stored.createdAt());
                      store.put(
                          key(username),
                          changed.toJson().encode().getBytes(StandardCharsets.UTF_8));
                      return changed;
                    },
                    false))
        .compose(
            changed -> cache.put(username, changed.toJson()).map(v -> withConfiguredRole(changed)));
  }

  /** Deletes an account's record from storage and the cluster's cache; its name is free again afterwards. */
  public Future<Void> delete(String username) {
    if (username == null || !USERNAME.matcher(username).matches())
      return Future.failedFuture(
          ApiException.notFound("unknown_account", "no account named '" + username + "'"));
    return vertx
        .executeBlocking(
            () -> {
              store.delete(key(username));
              return null;
            },
            false)
        .compose(v -> cache.remove(username))
        .mapEmpty();
  }

  /** What is wrong with a new password, or null. */
  static String passwordProblem(String password) {
    if (password == null || password.length() < MIN_PASSWORD || password.length() > 1024)
      return "a password has at least " + MIN_PASSWORD + " characters (and at most 1024)";
    return null;
  }

  /** The account with its administrator flag in effect, or null when there is none. */
  public Future<Account> lookUp(String username) {
    if (username == null || !USERNAME.matcher(username).matches())
      return Future.succeededFuture(null);
    return find(username).map(account -> account == null ? null : withConfiguredRole(account));
  }

  private Future<Account> find(String username) {
    return cache
        .get(username)
        .compose(
            cached -> {
              if (cached != null) return Future.succeededFuture(Account.fromJson(cached));
              return vertx
                  .executeBlocking(
                      () ->
                          store
                              .get(key(username))
                              .map(
                                  bytes ->
                                      Account.fromJson(
                                          new JsonObject(
                                              new String(bytes, StandardCharsets.UTF_8))))
                              .orElse(null),
                      false)
                  .compose(
                      stored ->
                          stored == null
                              ? Future.succeededFuture(null)
                              : cache.putIfAbsent(username, stored.toJson()).map(stored));
            });
  }

  static byte[] hash(String password, byte[] salt, int iterations) {
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
          .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256))
          .getEncoded();
    } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
      throw new IllegalStateException(e);
    }
  }
}
