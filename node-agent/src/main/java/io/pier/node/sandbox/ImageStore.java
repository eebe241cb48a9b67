package io.pier.node.sandbox;

import java.time.Duration;
import java.util.List;

/** The runner images a driver can start sandboxes from on this node. Every call blocks. */
public interface ImageStore {

  /**
   * References of the images present: by name ({@code repo:tag}) and, for images that came from or went to a
   * registry, by digest ({@code host:port/repo@sha256:…}).
   */
  List<String> images();

  /**
   * Fetches an image from its registry by reference.
   *
   * @throws RuntimeException saying why when the registry refuses, fails or takes longer than {@code timeout}
   */
  void pull(String ref, Duration timeout);
}
