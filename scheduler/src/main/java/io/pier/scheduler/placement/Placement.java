package io.pier.scheduler.placement;

import io.pier.common.node.NodeInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Chooses the node a repl runs on. */
public interface Placement {

  /**
   * @param nodes   the fleet, read by index (a {@link NodeTable}'s view: no copy is made per placement); an element
   *                may be null, a node removed while the view was read, and is skipped
   * @param leftOut ids of nodes this start already tried (another start took their room first): never chosen, and not
   *                counted in the rejections
   */
  Decision place(List<NodeInfo> nodes, PlacementRequest request, Set<String> leftOut);

  default Decision place(List<NodeInfo> nodes, PlacementRequest request) {
    return place(nodes, request, Set.of());
  }

  /**
   * The outcome: a chosen node, or none with how many nodes each check turned away.
   *
   * @param rejections reason → number of nodes rejected for it (a node counts once, for its first failed check): of
   *                   every node when none can take the repl; of the nodes looked at when one was chosen
   */
  record Decision(Optional<NodeInfo> node, Map<String, Integer> rejections) {
    public String explain() {
      if (node.isPresent()) return "placed on " + node.get().nodeId();
      if (rejections.isEmpty()) return "no node-agent is in the cluster";
      StringBuilder text = new StringBuilder("no node can take it:");
      rejections.forEach(
          (reason, count) ->
              text.append(' ').append(count).append(" with ").append(reason).append(';'));
      return text.substring(0, text.length() - 1);
    }
  }
}
