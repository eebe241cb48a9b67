package io.pier.node.runtime.docker;

import io.pier.node.sandbox.Endpoint;
import io.pier.node.sandbox.SandboxSpec;
import java.util.Optional;

/** How a node's sandboxes are named as containers, and what a container says of its sandbox. */
final class NodeContainers {
  /** dockerd's own network, which containers join when the node has no repl network of its own. */
  private static final String DEFAULT_NETWORK = "bridge";

  private static final String SPARE_LABEL = DockerLabels.annotationLabel(SandboxSpec.SPARE);

  private final DockerSandboxDriver.Settings settings;

  NodeContainers(DockerSandboxDriver.Settings settings) {
    this.settings = settings;
  }

  /** The container name of the slug's sandbox on this node. */
  String name(String slug) {
    return "pier-" + slug + "-" + settings.nodeId();
  }

  /**
   * Whose the container is: its slug label's, or for a spare, the slug its name says (labels cannot change, so a
   * claimed spare is renamed: {@link DockerSandboxDriver#claim}).
   */
  String slugOf(ContainerInfo c) {
    String labelled = c.labels() == null ? null : c.labels().get(DockerLabels.SLUG);
    if (labelled == null || !c.labels().containsKey(SPARE_LABEL) || c.name() == null)
      return labelled;
    String prefix = "pier-";
    String suffix = "-" + settings.nodeId();
    String name = c.name();
    if (!name.startsWith(prefix) || !name.endsWith(suffix)) return labelled;
    return name.substring(prefix.length(), name.length() - suffix.length());
  }

  /** Where the edge reaches the container's app: its published port on the node's address. */
  Optional<Endpoint> endpoint(ContainerInfo container) {
    return container.publishedPort().isPresent()
        ? Optional.of(new Endpoint(settings.publishHost(), container.publishedPort().getAsInt()))
        : Optional.empty();
  }

  /** The container's address on the network it joined (the node's repl network, or dockerd's default). */
  Optional<String> address(ContainerInfo container) {
    String address =
        container
            .addresses()
            .get(settings.network() == null ? DEFAULT_NETWORK : settings.network());
    return address == null || address.isBlank() ? Optional.empty() : Optional.of(address);
  }
}
