package io.pier.node;

import io.pier.common.store.InMemoryObjectStore;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Consumer;

/** Storage in memory that lets a test hold up or fail the download of an object, as a slow or failing S3 would. */
final class HookedObjectStore extends ForwardingObjectStore {
  /** Runs with the key of each object as its download opens; what it throws, the download throws. */
  volatile Consumer<String> onOpen = key -> {};

  HookedObjectStore() {
    super(new InMemoryObjectStore());
  }

  @Override
  public Optional<InputStream> openStream(String key) {
    onOpen.accept(key);
    return super.openStream(key);
  }
}
