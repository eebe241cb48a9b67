package io.pier.common.repl;

import io.pier.common.auth.EnvCipher;
import io.pier.common.store.ObjectStore;
import io.pier.common.store.StorageLayout;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A repl's environment variables in storage, next to its files ({@code repls/<slug>/env/<NAME>.json}, outside the
 * workspace), each value sealed by {@link EnvCipher}: storage never holds one in clear. One object per variable, so
 * that two changes to different variables never overwrite each other, whichever scheduler makes them. Every call
 * blocks: run it off the event loop.
 */
public final class ReplEnvStore {
  private static final Logger LOG = LoggerFactory.getLogger(ReplEnvStore.class);

  private final ObjectStore store;
  private final EnvCipher cipher;

  public ReplEnvStore(ObjectStore store, EnvCipher cipher) {
    this.store = store;
    this.cipher = cipher;
  }

  /** The repl's variables, by name; one that does not open (altered, or sealed under a dropped secret) is left out. */
  public List<EnvVar> list(String slug) {
    List<EnvVar> vars = new ArrayList<>();
    String prefix = StorageLayout.replEnv(slug);
    for (ObjectStore.ObjectInfo object : store.list(prefix)) {
      String file = object.key().substring(prefix.length());
      if (!file.endsWith(".json")) continue;
      read(slug, file.substring(0, file.length() - ".json".length())).ifPresent(vars::add);
    }
    vars.sort(Comparator.comparing(EnvVar::name));
    return vars;
  }

  /** The variables as the repl's processes get them. */
  public Map<String, String> environment(String slug) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar v : list(slug)) env.put(v.name(), v.value());
    return env;
  }

  public Optional<EnvVar> read(String slug, String name) {
    Optional<byte[]> stored = store.get(key(slug, name));
    if (stored.isEmpty()) return Optional.empty();
    try {
      JsonObject json = new JsonObject(new String(stored.get(), StandardCharsets.UTF_8));
      String value = cipher.open(context(slug, name), json.getJsonObject("value"));
      return Optional.of(
          new EnvVar(
              name,
              value,
              json.getBoolean("secret", true),
              Instant.parse(json.getString("updatedAt"))));
    } catch (RuntimeException e) {
      // The value itself is never logged; the name is the user's own and safe to name.
      LOG.warn("environment variable {} of {} does not open: {}", name, slug, e.getMessage());
      return Optional.empty();
    }
  }

  /** Stores the variable, sealed; replaces one of that name. */
  public void put(String slug, EnvVar var) {
    EnvVar.checkName(var.name());
    EnvVar.checkValue(var.value());
    JsonObject json =
        new JsonObject()
            .put("name", var.name())
            .put("secret", var.secret())
            .put("updatedAt", var.updatedAt().toString())
            .put("value", cipher.seal(context(slug, var.name()), var.value()));
    store.put(key(slug, var.name()), json.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** @return whether there was one */
  public boolean delete(String slug, String name) {
    boolean present = store.get(key(slug, name)).isPresent();
    store.delete(key(slug, name));
    return present;
  }

  public int count(String slug) {
    return store.list(StorageLayout.replEnv(slug)).size();
  }

  private static String key(String slug, String name) {
    return StorageLayout.replEnv(slug) + name + ".json";
  }

  private static String context(String slug, String name) {
    return slug + "/" + name;
  }
}
