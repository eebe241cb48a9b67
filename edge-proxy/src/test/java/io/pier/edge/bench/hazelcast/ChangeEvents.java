package io.pier.edge.bench.hazelcast;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * The cluster's own change events, as another member sees them: what a near cache's invalidation rides on, and so
 * the floor of how fast a route change can reach an edge-proxy. The one place the benchmarks touch Hazelcast.
 */
public final class ChangeEvents implements AutoCloseable {
  private final IMap<String, String> map;
  private final UUID registration;

  private ChangeEvents(IMap<String, String> map, UUID registration) {
    this.map = map;
    this.registration = registration;
  }

  /** Calls {@code seen} with the key and new value of every change of {@code mapName} this JVM's member is told of. */
  public static ChangeEvents listen(String mapName, BiConsumer<String, String> seen) {
    HazelcastInstance member = Hazelcast.getAllHazelcastInstances().iterator().next();
    IMap<String, String> map = member.getMap(mapName);
    UUID id =
        map.addEntryListener(
            new Listener(seen), true /* with the value, as an invalidation carries the key */);
    return new ChangeEvents(map, id);
  }

  @Override
  public void close() {
    map.removeEntryListener(registration);
  }

  private record Listener(BiConsumer<String, String> seen)
      implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> event) {
      seen.accept(event.getKey(), event.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> event) {
      seen.accept(event.getKey(), event.getValue());
    }
  }
}
