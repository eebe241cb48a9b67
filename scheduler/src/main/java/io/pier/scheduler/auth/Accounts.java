package io.pier.scheduler.auth;

import io.pier.common.cluster.SharedMap;
import io.pier.common.http.ApiException;
import io.pier.common.store.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Local accounts: sign-up, sign-in and the changes an account or an administrator makes to one. A username and a
 * password hash ({@link PasswordHashing}), kept by {@link AccountRecords}. Another identity provider (OIDC) would sit
 * beside this class and hand out the same tokens.
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

  /** Where the use of the setup token is recorded. */
  public static final String SETUP_USED = "auth/setup-token-used.json";

  /** The cluster-map key that makes two sign-ups with the setup token race safely (not a valid username). */
  static final String SETUP_LOCK = "!setup";

  private final Vertx vertx;
  private final ObjectStore store;
  private final SharedMap<JsonObject> cache;
  private final AccountRecords records;
  private final PasswordHashing passwords = new PasswordHashing();
  private final Set<String> admins;
  private final boolean signupOpen;
  private final String setupToken;
  private final Clock clock;

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
    this.records = new AccountRecords(vertx, store, cache);
    this.admins = Set.copyOf(admins);
    this.signupOpen = signupOpen;
    this.setupToken = setupToken;
    this.clock = clock;
  }

  public static String key(String username) {
    return AccountRecords.key(username);
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
    String weak = PasswordHashing.problem(password);
    if (weak != null) return Future.failedFuture(ApiException.badRequest("weak_password", weak));
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
    return setupUsed()
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
            () ->
                new Account(username, null, null, 0, admin, clock.instant().toString())
                    .withPassword(passwords.hash(password)),
            false)
        .compose(records::create)
        .map(this::withConfiguredRole);
  }

  /**
   * Makes an account an administrator or takes that away, in storage and in the cluster's cache. The caller revokes
   * the account's tokens, which carry the old flag. A name listed in {@code PIER_ADMINS} stays an administrator
   * whatever its stored flag says.
   *
   * @return the account with its flag as it is now in effect
   */
  public Future<Account> setAdmin(String username, boolean admin) {
    ApiException unknown =
        ApiException.notFound("unknown_account", "no account named '" + username + "'");
    if (username == null || !USERNAME.matcher(username).matches())
      return Future.failedFuture(unknown);
    return records
        .find(username)
        .compose(
            account ->
                account == null
                    ? Future.failedFuture(unknown)
                    : records.save(account.withAdmin(admin)).map(this::withConfiguredRole));
  }

  /** The account with its administrator flag in effect: stored, or given by {@code PIER_ADMINS}. */
  private Account withConfiguredRole(Account account) {
    return account.withAdmin(account.admin() || admins.contains(account.username()));
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
    return records
        .find(username)
        .compose(
            account ->
                vertx.executeBlocking(
                    () -> {
                      if (!passwords.matches(account, password)) {
                        throw new ApiException(
                            401, "bad_credentials", "wrong username or password");
                      }
                      // The stored flag (setup token, an administrator's change) or PIER_ADMINS: a
                      // name taken off the list keeps only its stored flag at its next sign-in.
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
    String problem = PasswordHashing.problem(replacement);
    if (problem != null)
      return Future.failedFuture(ApiException.badRequest("weak_password", problem));
    return confirm(username, current)
        // The stored flag, not the one in effect: PIER_ADMINS stays a list apart.
        .compose(confirmed -> records.find(username))
        .compose(
            stored ->
                vertx.executeBlocking(
                    () -> stored.withPassword(passwords.hash(replacement)), false))
        .compose(records::save)
        .map(this::withConfiguredRole);
  }

  /** Deletes an account's record from storage and the cluster's cache; its name is free again afterwards. */
  public Future<Void> delete(String username) {
    if (username == null || !USERNAME.matcher(username).matches())
      return Future.failedFuture(
          ApiException.notFound("unknown_account", "no account named '" + username + "'"));
    return records.delete(username);
  }

  /** The account with its administrator flag in effect, or null when there is none. */
  public Future<Account> lookUp(String username) {
    if (username == null || !USERNAME.matcher(username).matches())
      return Future.succeededFuture(null);
    return records
        .find(username)
        .map(account -> account == null ? null : withConfiguredRole(account));
  }
}
