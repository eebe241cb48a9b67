package io.pier.node.envd;

/**
 * The bounds of the in-sandbox API's router on one node.
 *
 * @param maxBodyBytes      a request's body, at most (a message's base64 bytes included)
 * @param maxStreams        server-streaming calls open at once on the node, all repls together
 * @param streamBufferBytes bytes one stream may have handed to the transport and not yet written, at most
 */
public record EnvdLimits(int maxBodyBytes, int maxStreams, int streamBufferBytes) {
  public static EnvdLimits defaults() {
    return new EnvdLimits(4 * 1024 * 1024, 1024, 1024 * 1024);
  }
}
