package io.pier.common.config;

/** A service's configuration is unusable; the message says which setting and why. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
