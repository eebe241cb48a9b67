package io.pier.node.pool;

import io.pier.common.repl.Limits;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's demand in a JSON file of the node's own (beside its journals, never in a workspace): each kind with the
 * times of its recent starts. Replaced whole (a new file moved over the old), so a reader sees one save or the one
 * before. A file that cannot be read (missing, torn, too large, a kind with limits no repl may have) counts as no
 * demand, or as the kinds it could read: the pool then only waits for starts, as with none kept.
 */
public final class DemandFile implements DemandStore {
  private static final Logger LOG = LoggerFactory.getLogger(DemandFile.class);

  /** Far more than {@link PoolDemand#MAX_KINDS} kinds of a few starts each take; a larger file is not read. */
  static final long MAX_BYTES = 1024 * 1024;

  private final Path file;

  public DemandFile(Path file) {
    this.file = file;
  }

  @Override
  public Map<PoolKey, List<Long>> load() {
    JsonObject json;
    try {
      if (!Files.isRegularFile(file)) return Map.of();
      if (Files.size(file) > MAX_BYTES) {
        LOG.warn("pool demand in {} not read: larger than {} bytes", file, MAX_BYTES);
        return Map.of();
      }
      json = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException | DecodeException e) {
      LOG.warn("pool demand in {} not read: {}", file, e.getMessage());
      return Map.of();
    }
    Map<PoolKey, List<Long>> starts = new LinkedHashMap<>();
    JsonArray kinds = json.getJsonArray("kinds", new JsonArray());
    for (int i = 0; i < kinds.size() && starts.size() < PoolDemand.MAX_KINDS; i++) {
      try {
        JsonObject kind = kinds.getJsonObject(i);
        PoolKey key =
            new PoolKey(
                kind.getString("image"),
                kind.getInteger("port"),
                Limits.fromJson(kind.getJsonObject("limits")),
                kind.getString("runtime"));
        if (key.image() == null) continue;
        List<Long> times = new ArrayList<>();
        for (Object t : kind.getJsonArray("starts")) times.add(((Number) t).longValue());
        starts.put(key, times);
      } catch (RuntimeException e) {
        LOG.warn("pool demand in {}: kind {} not read: {}", file, i, e.getMessage());
      }
    }
    return starts;
  }

  @Override
  public void save(Map<PoolKey, List<Long>> starts) {
    JsonArray kinds = new JsonArray();
    starts.forEach(
        (key, times) ->
            kinds.add(
                new JsonObject()
                    .put("image", key.image())
                    .put("port", key.port())
                    .put("limits", key.limits().toJson())
                    .put("runtime", key.runtime())
                    .put("starts", new JsonArray(new ArrayList<>(times)))));
    Path next = file.resolveSibling(file.getFileName() + ".next");
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(
          next, new JsonObject().put("kinds", kinds).encode(), StandardCharsets.UTF_8);
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("saving the pool's demand in " + file, e);
    }
  }
}
