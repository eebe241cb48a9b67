package io.pier.node.collab;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The node's co-editing gauges, all repls together: {@code pier.collab.documents.open}, the shared documents open
 * (lingering ones too), and {@code pier.collab.updates.kept}, the updates they keep for clients that fall behind.
 */
public final class CollabGauges {
  /** @param documents the shared documents of every repl on the node, read at each scrape */
  public CollabGauges(MeterRegistry metrics, Supplier<Stream<ReplDocuments>> documents) {
    // Held strongly: nothing else keeps the supplier, and a gauge holds its object weakly.
    Gauge.builder(
            "pier.collab.documents.open",
            documents,
            all -> all.get().mapToInt(ReplDocuments::openCount).sum())
        .description("Files open for co-editing in this node's repls")
        .strongReference(true)
        .register(metrics);
    Gauge.builder(
            "pier.collab.updates.kept",
            documents,
            all -> all.get().mapToLong(ReplDocuments::updatesKept).sum())
        .description("Updates the co-edited files keep for editors that fall behind")
        .strongReference(true)
        .register(metrics);
  }
}
