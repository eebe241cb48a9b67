package io.pier.node.runtime;

import io.pier.common.http.ApiException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The container runtimes repls may ask for on this node, and which of the engine's runtimes each name means here.
 * A template names a runtime ({@code runsc}); the node's configuration may map that name to another of the engine's
 * runtimes (say {@code runsc=runsc-kvm}), and {@value #DEFAULT} to the runtime of repls that name none. A name the
 * engine lacks is not offered, so placement sends no repl that needs it here.
 */
public final class Runtimes {
  /** The mapping key for repls that name no runtime. */
  public static final String DEFAULT = "default";

  private final Map<String, String> mapping;
  private final Set<String> engine;

  /**
   * @param mapping name a repl asks for → engine runtime; {@value #DEFAULT} for repls that name none
   * @param engine  the runtimes the container engine has
   */
  public Runtimes(Map<String, String> mapping, Collection<String> engine) {
    this.mapping = new TreeMap<>(mapping);
    this.engine = new TreeSet<>(engine);
  }

  /** The names a repl may ask for here: the engine's own runtimes, and the mapped names whose runtime it has. */
  public List<String> offered() {
    Set<String> names = new TreeSet<>(engine);
    mapping.forEach(
        (name, target) -> {
          if (engine.contains(target)) names.add(name);
          else names.remove(name);
        });
    names.remove(DEFAULT);
    return List.copyOf(names);
  }

  /**
   * The engine runtime a repl runs in.
   *
   * @param requested the runtime its limits name, or null
   * @return empty for the engine's own default
   * @throws ApiException {@code 422 runtime_missing} when this node does not offer it
   */
  public Optional<String> resolve(String requested) {
    if (requested == null) return Optional.ofNullable(mapping.get(DEFAULT));
    String target = mapping.getOrDefault(requested, requested);
    if (!engine.contains(target)) {
      throw new ApiException(
          422,
          "runtime_missing",
          "this node has no container runtime '"
              + requested
              + "'"
              + (target.equals(requested) ? "" : " (mapped to '" + target + "')")
              + "; it offers "
              + offered());
    }
    return Optional.of(target);
  }

  /** What is wrong with the mapping: names mapped to runtimes the engine lacks. Empty when all is well. */
  public List<String> problems() {
    return mapping.entrySet().stream()
        .filter(e -> !engine.contains(e.getValue()))
        .map(
            e ->
                e.getKey()
                    + "="
                    + e.getValue()
                    + ": the container engine has no runtime '"
                    + e.getValue()
                    + "' (it has "
                    + engine
                    + ")")
        .toList();
  }

  /** True when repls that name no runtime would run in one the engine lacks: the node must not start so. */
  public boolean defaultMissing() {
    String target = mapping.get(DEFAULT);
    return target != null && !engine.contains(target);
  }
}
