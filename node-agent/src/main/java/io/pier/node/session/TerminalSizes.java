package io.pier.node.session;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The sizes a terminal had, by the output offset from which each held. A replay written to a terminal of another
 * width breaks lines the shell drew with cursor moves for its own width; a client that resizes to each size before
 * writing the bytes drawn at it gets the lines back as they were. Bounded: only the size in force at the oldest byte
 * the output buffer still holds, and those after it, are kept, at most {@link #MAX_SIZES}.
 */
final class TerminalSizes {
  static final int MAX_SIZES = 32;

  private record Size(long at, int cols, int rows) {}

  private final List<Size> sizes = new ArrayList<>();

  /**
   * The terminal has {@code cols}×{@code rows} from output offset {@code at} on.
   *
   * @param oldestHeld the offset of the oldest byte the output buffer still holds
   */
  void record(long at, int cols, int rows, long oldestHeld) {
    if (!sizes.isEmpty()) {
      Size last = sizes.get(sizes.size() - 1);
      if (last.cols == cols && last.rows == rows) {
        trim(oldestHeld);
        return;
      }
      // Nothing was drawn at the size before: it is replaced, not kept.
      if (last.at == at) sizes.remove(sizes.size() - 1);
    }
    sizes.add(new Size(at, cols, rows));
    trim(oldestHeld);
  }

  /**
   * The sizes over the held output, each {@code at} counted from the oldest byte held (the first is at 0), as the
   * {@code term.attach} reply carries them.
   */
  JsonArray since(long oldestHeld) {
    trim(oldestHeld);
    JsonArray out = new JsonArray();
    for (Size s : sizes) {
      out.add(
          new JsonObject()
              .put("at", Math.max(0, s.at - oldestHeld))
              .put("cols", s.cols)
              .put("rows", s.rows));
    }
    return out;
  }

  int count() {
    return sizes.size();
  }

  private void trim(long oldestHeld) {
    // The size in force at the oldest byte held is the last one that began at or before it.
    while (sizes.size() > 1 && sizes.get(1).at <= oldestHeld) sizes.remove(0);
    while (sizes.size() > MAX_SIZES) sizes.remove(0);
  }
}
