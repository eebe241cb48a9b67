package io.pier.scheduler.placement;

import io.pier.common.node.NodeInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Chooses the node a repl runs on. */
public interface Placement {

  Decision place(List<NodeInfo> nodes, PlacementRequest request);

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
