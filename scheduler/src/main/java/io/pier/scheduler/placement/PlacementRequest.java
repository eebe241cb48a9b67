package io.pier.scheduler.placement;

import io.pier.common.repl.Limits;

/** What a repl needs from a node: room for its limits and its runner image. */
public record PlacementRequest(String slug, Limits limits, String image) {}
