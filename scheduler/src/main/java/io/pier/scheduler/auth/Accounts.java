package io.pier.scheduler.auth;

import io.pier.common.cluster.SharedMap;
import io.pier.common.http.ApiException;
import io.pier.common.store.ObjectStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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
 */
public final class Accounts {
  private static final Pattern USERNAME = Pattern.compile("[a-z0-9_-]{3,32}");
  private static final int ITERATIONS = 210_000;
  private static final int MIN_PASSWORD = 8;

  /** An account as stored. */
  public record Account(String username, String salt, String hash, int iterations, boolean admin, String createdAt) {
    JsonObject toJson() {
      return new JsonObject().put("username", username).put("salt", salt).put("hash", hash)
          .put("iterations", iterations).put("admin", admin).put("createdAt", createdAt);
    }

    static Account fromJson(JsonObject json) {
      return new Account(json.getString("username"), json.getString("salt"), json.getString("hash"),
          json.getInteger("iterations"), json.getBoolean("admin", false), json.getString("createdAt"));
    }
  }

  private final Vertx vertx;
  private final ObjectStore store;
  private final SharedMap<JsonObject> cache;
  private final Set<String> admins;
  private final boolean signupOpen;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public Accounts(Vertx vertx, ObjectStore store, SharedMap<JsonObject> cache, Set<String> admins, boolean signupOpen,
                  Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.cache = cache;
    this.admins = Set.copyOf(admins);
    this.signupOpen = signupOpen;
    this.clock = clock;
  }

  public static String key(String username) {
    return "accounts/" + username + ".json";
  }

  /** Creates an account. @throws ApiException (via the future) naming what is wrong with the request */
  public Future<Account> signUp(String username, String password) {
    if (!signupOpen) return Future.failedFuture(new ApiException(403, "signup_closed", "sign-up is closed here"));
    if (username == null || !USERNAME.matcher(username).matches()) {
      return Future.failedFuture(ApiException.badRequest("invalid_username",
          "a username has 3 to 32 lower-case letters, digits, '_' or '-'"));
    }
    if (password == null || password.length() < MIN_PASSWORD || password.length() > 1024) {
      return Future.failedFuture(ApiException.badRequest("weak_password",
          "a password has at least " + MIN_PASSWORD + " characters"));
    }
    return vertx.executeBlocking(() -> {
      byte[] salt = new byte[16];
      random.nextBytes(salt);
      Account account = new Account(username, Base64.getEncoder().encodeToString(salt),
          Base64.getEncoder().encodeToString(hash(password, salt, ITERATIONS)), ITERATIONS,
          admins.contains(username), clock.instant().toString());
      if (store.get(key(username)).isPresent()) throw new ApiException(409, "username_taken", "that name is taken");
      return account;
    }, false).compose(account -> cache.putIfAbsent(username, account.toJson()).compose(fresh -> {
      if (!fresh) return Future.failedFuture(new ApiException(409, "username_taken", "that name is taken"));
      return vertx.executeBlocking(() -> {
        store.put(key(username), account.toJson().encode().getBytes(StandardCharsets.UTF_8));
        return account;
      }, false);
    }));
  }

  /** @return the account when the password is right; a failure with {@code bad_credentials} otherwise */
  public Future<Account> logIn(String username, String password) {
    if (username == null || password == null || !USERNAME.matcher(username).matches()) {
      return Future.failedFuture(new ApiException(401, "bad_credentials", "wrong username or password"));
    }
    return find(username).compose(account -> vertx.executeBlocking(() -> {
      // Without an account the hash is still computed, so timing does not tell which names exist.
      Account against = account != null ? account
          : new Account(username, "AAAAAAAAAAAAAAAAAAAAAA==", "", ITERATIONS, false, "");
      byte[] expected = Base64.getDecoder().decode(against.hash());
      byte[] actual = hash(password, Base64.getDecoder().decode(against.salt()), against.iterations());
      if (account == null || !MessageDigest.isEqual(expected, actual)) {
        throw new ApiException(401, "bad_credentials", "wrong username or password");
      }
      // The configuration decides, not the stored flag: a name taken off PIER_ADMINS is no admin at its next sign-in.
      return new Account(account.username(), account.salt(), account.hash(), account.iterations(),
          admins.contains(username), account.createdAt());
    }, false));
  }

  private Future<Account> find(String username) {
    return cache.get(username).compose(cached -> {
      if (cached != null) return Future.succeededFuture(Account.fromJson(cached));
      return vertx.executeBlocking(() -> store.get(key(username))
          .map(bytes -> Account.fromJson(new JsonObject(new String(bytes, StandardCharsets.UTF_8)))).orElse(null), false)
          .compose(stored -> stored == null ? Future.succeededFuture(null)
              : cache.putIfAbsent(username, stored.toJson()).map(stored));
    });
  }

  static byte[] hash(String password, byte[] salt, int iterations) {
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
          .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
    } catch (java.security.NoSuchAlgorithmException | InvalidKeySpecException e) {
      throw new IllegalStateException(e);
    }
  }
}
