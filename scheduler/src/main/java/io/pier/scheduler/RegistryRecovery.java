package io.pier.scheduler;

import io.pier.common.cluster.ClusterState;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.common.store.ObjectStore;
import io.pier.common.store.StorageLayout;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** After a restart of the whole cluster, finds the repls again in storage and puts them back into the registry. */
public final class RegistryRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryRecovery.class);

  private final Vertx vertx;
  private final ClusterState cluster;
  private final ObjectStore store;

  public RegistryRecovery(Vertx vertx, ClusterState cluster, ObjectStore store) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.store = store;
  }

  /**
   * Puts every repl stored in {@code repls/*}/repl.json back into the registry as stopped, unless the registry knows
   * it already.
   *
   * @return how many repls were added
   */
  public Future<Integer> recover() {
    return vertx
        .executeBlocking(this::stored, false)
        .compose(
            stored -> {
              List<Future<Boolean>> added =
                  stored.stream()
                      .map(
                          r ->
                              cluster
                                  .repls()
                                  .putIfAbsent(
                                      r.slug(),
                                      r.withState(ReplState.STOPPED, null, r.lastActiveAt())))
                      .toList();
              return Future.all(added)
                  .map(all -> (int) added.stream().filter(f -> f.result()).count());
            });
  }

  private List<ReplRecord> stored() {
    List<ReplRecord> stored = new ArrayList<>();
    for (String folder : store.listFolders(StorageLayout.REPLS)) {
      String slug = folder.substring(StorageLayout.REPLS.length(), folder.length() - 1);
      Optional<byte[]> json = store.get(StorageLayout.replMetadata(slug));
      if (json.isEmpty()) continue;
      try {
        stored.add(
            ReplRecord.fromJson(new JsonObject(new String(json.get(), StandardCharsets.UTF_8))));
      } catch (RuntimeException e) {
        LOG.warn("ignoring unreadable {}: {}", StorageLayout.replMetadata(slug), e.getMessage());
      }
    }
    return stored;
  }
}
