package io.pier.node.sandbox;

/** The image a sandbox was to start from is not on this node. */
public final class ImageMissing extends SandboxException {
  private final String image;

  public ImageMissing(String image, Throwable cause) {
    super("runner image " + image + " is not on this node", cause);
    this.image = image;
  }

  public String image() {
    return image;
  }
}
