package io.pier.node.runtime.docker;

import java.util.HashMap;
import java.util.Map;

/**
 * The labels on this node's containers: ownership ({@value #SLUG}, {@value #NODE}, {@value #MANAGED}), by which the
 * driver finds its containers to adopt or clean up, and the sandbox's annotations as {@code pier.<key>}. Earlier
 * agents kept the run command, port and first file as {@code pier.run}, {@code pier.port} and {@code pier.open}: the
 * annotations of that name are those labels, so each version adopts the other's containers.
 */
public final class DockerLabels {
  public static final String SLUG = "pier.slug";
  public static final String NODE = "pier.node";
  public static final String MANAGED = "pier.managed";
  private static final String PREFIX = "pier.";

  private DockerLabels() {}

  /** The labels of a new container of {@code nodeId}'s sandbox for {@code slug}. */
  public static Map<String, String> of(
      String nodeId, String slug, Map<String, String> annotations) {
    Map<String, String> labels = new HashMap<>();
    annotations.forEach((key, value) -> labels.put(PREFIX + key, value));
    labels.putAll(Map.of(SLUG, slug, NODE, nodeId, MANAGED, "true"));
    return labels;
  }

  /** The label that carries the annotation {@code key}. */
  public static String annotationLabel(String key) {
    return PREFIX + key;
  }

  /** What selects every container of {@code nodeId}. */
  public static Map<String, String> ofNode(String nodeId) {
    return Map.of(NODE, nodeId);
  }

  /** What selects {@code nodeId}'s containers of {@code slug}. */
  public static Map<String, String> ofSlug(String nodeId, String slug) {
    return Map.of(NODE, nodeId, SLUG, slug);
  }

  /** The annotations among a container's labels. */
  public static Map<String, String> annotations(Map<String, String> labels) {
    Map<String, String> annotations = new HashMap<>();
    if (labels == null) return annotations;
    labels.forEach(
        (label, value) -> {
          if (label.startsWith(PREFIX)
              && !label.equals(SLUG)
              && !label.equals(NODE)
              && !label.equals(MANAGED)
              && value != null) {
            annotations.put(label.substring(PREFIX.length()), value);
          }
        });
    return annotations;
  }
}
