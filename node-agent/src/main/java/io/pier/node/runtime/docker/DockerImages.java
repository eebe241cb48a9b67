package io.pier.node.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.model.Image;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The images of a local dockerd through docker-java: those present, and pulls. Every call blocks. */
final class DockerImages {
  private final DockerClient docker;

  DockerImages(DockerClient docker) {
    this.docker = docker;
  }

  /** References of the images present, by name ({@code repo:tag}) and by digest. */
  List<String> images() {
    List<String> names = new ArrayList<>();
    for (Image image : docker.listImagesCmd().exec()) {
      if (image.getRepoTags() != null) {
        for (String tag : image.getRepoTags()) if (!tag.startsWith("<none>")) names.add(tag);
      }
      if (image.getRepoDigests() != null) {
        for (String digest : image.getRepoDigests())
          if (!digest.startsWith("<none>")) names.add(digest);
      }
    }
    return names;
  }

  /** A reference by digest goes to dockerd as repository plus digest, as the docker CLI sends it. */
  void pull(String ref, Duration timeout) {
    int at = ref.indexOf('@');
    var pull =
        at < 0
            ? docker.pullImageCmd(ref)
            : docker.pullImageCmd(ref.substring(0, at)).withTag(ref.substring(at + 1));
    try (var progress = pull.exec(new PullImageResultCallback())) {
      if (!progress.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "the pull of " + ref + " took longer than " + timeout.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("the pull of " + ref + " was interrupted", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
