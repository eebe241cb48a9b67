package io.pier.node.collab;

/** One IDE session as co-editing and presence see it: who it is, and how to send it an event. */
public interface CollabPeer {
  /** The session's id, unique in its repl. */
  String id();

  /** The account name of the person behind it. */
  String user();

  /** Sends an event; a closed session drops it. On the repl's context. */
  void send(CollabEvent event);
}
