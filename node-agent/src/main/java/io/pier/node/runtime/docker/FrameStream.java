package io.pier.node.runtime.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import java.util.function.Consumer;

/**
 * A process's output stream from the engine (an exec's, or a container's terminal): each frame to {@code frames}, then
 * {@code ended} when the stream ends, completed or failed.
 */
final class FrameStream extends ResultCallback.Adapter<Frame> {
  private final Consumer<Frame> frames;
  private final Runnable ended;

  FrameStream(Consumer<Frame> frames, Runnable ended) {
    this.frames = frames;
    this.ended = ended;
  }

  @Override
  public void onNext(Frame frame) {
    frames.accept(frame);
  }

  @Override
  public void onComplete() {
    ended.run();
  }

  @Override
  public void onError(Throwable throwable) {
    ended.run();
  }
}
