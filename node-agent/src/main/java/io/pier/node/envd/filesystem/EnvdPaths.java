package io.pier.node.envd.filesystem;

import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.workspace.PathReports;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the paths of E2B's in-sandbox API land in a Pier repl. Pier serves the workspace only: it is
 * {@code /workspace} in the repl's container, and also {@code /home/user}, the home of E2B's default user, which is
 * where E2B programs keep their files. A relative path, {@code ~} and {@code ~/…} resolve against that home, as envd
 * resolves them against the user's. {@code .} segments, repeated and trailing slashes are dropped; {@code ..} is
 * refused (never resolved, as everywhere in Pier); anything outside the two roots ({@code /tmp}, {@code /etc},
 * {@code /home/runner}) is refused with {@code invalid_argument} naming what Pier serves.
 *
 * <p>The answer names an entry under the root the request used, so a program that lists {@code /home/user} gets
 * {@code /home/user/…} paths back and one that lists {@code /workspace} gets {@code /workspace/…}.
 */
public final class EnvdPaths {
  /** E2B's home of its default user: the workspace, and where relative paths resolve. */
  public static final String HOME = "/home/user";

  /** Where the workspace is mounted in the repl's container. */
  public static final String WORKSPACE = "/workspace";

  /** Longer paths are refused (Linux's {@code PATH_MAX}). */
  static final int MAX_PATH_BYTES = 4096;

  private EnvdPaths() {}

  /**
   * A path of the workspace as E2B named it.
   *
   * @param root     the root the request used ({@link #HOME} or {@link #WORKSPACE})
   * @param relative the workspace path ({@code ""} for the workspace itself), checked by {@code WorkspaceTree}'s rules
   */
  public record EnvdPath(String root, String relative) {
    /** The absolute path as the caller sees it in the sandbox. */
    public String shown() {
      return relative.isEmpty() ? root : root + "/" + relative;
    }

    /** The last name of {@link #shown()}. */
    public String name() {
      String shown = shown();
      return shown.substring(shown.lastIndexOf('/') + 1);
    }

    /** A path below this one, {@code child} being a relative workspace path below it. */
    public EnvdPath child(String child) {
      return new EnvdPath(root, relative.isEmpty() ? child : relative + "/" + child);
    }

    /** The path of {@code other} relative to this folder (what a watch event names). */
    public String nameOf(String otherRelative) {
      return relative.isEmpty() ? otherRelative : otherRelative.substring(relative.length() + 1);
    }

    /** Whether the workspace path {@code otherRelative} is below this folder (not the folder itself). */
    public boolean isAbove(String otherRelative) {
      return relative.isEmpty()
          ? !otherRelative.isEmpty()
          : otherRelative.startsWith(relative + "/");
    }
  }

  /**
   * Resolves what a request named.
   *
   * @param requested null or empty for the home
   * @throws ConnectException {@code invalid_argument} for a path outside the workspace or with {@code ..} or NUL
   */
  public static EnvdPath resolve(String requested) {
    String path = requested == null ? "" : requested;
    if (path.indexOf('\0') >= 0) throw invalid("a path cannot hold NUL");
    if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES)
      throw invalid("a path may have at most " + MAX_PATH_BYTES + " bytes");
    if (path.isEmpty() || path.equals("~")) path = HOME;
    else if (path.startsWith("~/")) path = HOME + path.substring(1);
    else if (!path.startsWith("/")) path = HOME + "/" + path;

    List<String> segments = new ArrayList<>();
    for (String segment : path.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) continue;
      if (segment.equals(".."))
        throw invalid(
            "'..' is never resolved: name the path from "
                + HOME
                + " or "
                + WORKSPACE
                + " ("
                + PathReports.printable(requested)
                + ")");
      segments.add(segment);
    }
    if (startsWith(segments, "home", "user")) return new EnvdPath(HOME, join(segments, 2));
    if (startsWith(segments, "workspace")) return new EnvdPath(WORKSPACE, join(segments, 1));
    throw invalid(
        PathReports.printable(requested)
            + " is outside what Pier serves: the workspace, "
            + WORKSPACE
            + " (also "
            + HOME
            + ", where relative paths resolve)");
  }

  private static boolean startsWith(List<String> segments, String... prefix) {
    if (segments.size() < prefix.length) return false;
    for (int i = 0; i < prefix.length; i++) if (!segments.get(i).equals(prefix[i])) return false;
    return true;
  }

  private static String join(List<String> segments, int from) {
    return String.join("/", segments.subList(from, segments.size()));
  }

  private static ConnectException invalid(String message) {
    return new ConnectException(ConnectCode.INVALID_ARGUMENT, message);
  }
}
