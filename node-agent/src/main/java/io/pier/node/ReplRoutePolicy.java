package io.pier.node;

import io.pier.common.repl.ReplRole;
import io.vertx.core.http.HttpMethod;

/**
 * The role each user-facing route of a repl needs on this node (docs/security.md#sharing): looking (the IDE session,
 * whose operations are checked one by one, and reading files or archives) is a viewer's; changing files is an
 * editor's; running anything (exec, and the processes exec started, whose output may show what they were given) is
 * an editor's too.
 */
final class ReplRoutePolicy {
  private ReplRoutePolicy() {}

  static ReplRole needed(HttpMethod method, String path) {
    if (path.contains("/exec") || path.contains("/processes")) return ReplRole.EDITOR;
    if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)) return ReplRole.VIEWER;
    return ReplRole.EDITOR;
  }
}
