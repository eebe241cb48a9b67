package io.pier.node.session;

import io.pier.node.collab.CollabEvent;
import io.pier.node.collab.CollabPeer;

/** One IDE session as co-editing and presence see it: its id, the account behind it, and its events. */
final class SessionPeer implements CollabPeer {
  private final SessionSocket session;
  private final SessionAccess access;

  SessionPeer(SessionSocket session, SessionAccess access) {
    this.session = session;
    this.access = access;
  }

  @Override
  public String id() {
    return session.id();
  }

  @Override
  public String user() {
    return access.user();
  }

  @Override
  public void send(CollabEvent event) {
    session.sendText(event.text());
  }
}
